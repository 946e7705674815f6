namespace Raft.Core.Tests.Hosting;

/// <summary>A log store whose writes can be held, as a disk whose fsync hangs would hold them.</summary>
public sealed class StallableLogStore(ILogStore inner) : ILogStore
{
    private TaskCompletionSource? _stall;

    public ILogStore Inner { get; } = inner;

    public bool IsStalled => _stall is not null;

    public void Stall() => _stall ??= new TaskCompletionSource();

    public void Unstall()
    {
        var stall = _stall;
        _stall = null;
        stall?.TrySetResult();
    }

    public RaftInitialState InitialState => Inner.InitialState;

    public ulong FirstIndex => Inner.FirstIndex;

    public ulong LastIndex => Inner.LastIndex;

    public Snapshot Snapshot => Inner.Snapshot;

    public ulong Term(ulong index) => Inner.Term(index);

    public IReadOnlyList<LogEntry> Entries(ulong low, ulong high, long maxBytes) => Inner.Entries(low, high, maxBytes);

    public async ValueTask AppendAsync(IReadOnlyList<LogEntry> entries, HardState? hardState, bool sync, CancellationToken cancellationToken = default)
    {
        if (_stall is { } stall)
        {
            await stall.Task.WaitAsync(cancellationToken);
        }

        await Inner.AppendAsync(entries, hardState, sync, cancellationToken);
    }

    public ValueTask InstallSnapshotAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default) => Inner.InstallSnapshotAsync(metadata, cancellationToken);

    public ValueTask CompactAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default) => Inner.CompactAsync(metadata, cancellationToken);

    public ValueTask DisposeAsync() => Inner.DisposeAsync();
}
