using Raft.Core;

namespace Benchmarks.Raft;

/// <summary>Our side's application: counts applied commands and answers with nothing, like the peer's state machine.</summary>
internal sealed class CountingStateMachine : IStateMachine
{
    private long _applied;

    public long Applied => Interlocked.Read(ref _applied);

    public ValueTask<ReadOnlyMemory<byte>> ApplyAsync(ulong index, ReadOnlyMemory<byte> command, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _applied);
        return ValueTask.FromResult(ReadOnlyMemory<byte>.Empty);
    }

    public ValueTask<ReadOnlyMemory<byte>> QueryAsync(ReadOnlyMemory<byte> query, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ReadOnlyMemory<byte>>(BitConverter.GetBytes(Applied));

    public async ValueTask WriteSnapshotAsync(Stream destination, CancellationToken cancellationToken) =>
        await destination.WriteAsync(BitConverter.GetBytes(Applied), cancellationToken);

    public async ValueTask RestoreSnapshotAsync(Stream source, CancellationToken cancellationToken)
    {
        var buffer = new byte[8];
        await source.ReadExactlyAsync(buffer, cancellationToken);
        Interlocked.Exchange(ref _applied, BitConverter.ToInt64(buffer));
    }
}
