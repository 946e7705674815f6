using System.Diagnostics;
using Raft.Core;

namespace Benchmarks.Raft;

/// <summary>
/// An <see cref="ILogStore"/> decorator that counts what the node asks of its log: appends (one per <see cref="Ready"/> that
/// persists anything), the ones that must be durable (an fsync each on a durable store), entries, and time spent inside.
/// </summary>
/// <remarks>Written by the node's loop only; counters are read from other threads with <see cref="Volatile"/>.</remarks>
internal sealed class CountingLogStore(ILogStore inner) : ILogStore
{
    private long _appends;
    private long _syncedAppends;
    private long _entries;
    private long _appendTicks;

    /// <summary>
    /// Diagnostic only: passes every append on without its fsync. Set on the leader it shows what the leader's own fsync costs
    /// on the commit path; a cluster run this way is not durable.
    /// </summary>
    public bool SkipSync { get; set; }

    public long Appends => Volatile.Read(ref _appends);

    public long SyncedAppends => Volatile.Read(ref _syncedAppends);

    public long EntriesAppended => Volatile.Read(ref _entries);

    public TimeSpan AppendTime => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _appendTicks));

    public RaftInitialState InitialState => inner.InitialState;

    public ulong FirstIndex => inner.FirstIndex;

    public ulong LastIndex => inner.LastIndex;

    public Snapshot Snapshot => inner.Snapshot;

    public ulong Term(ulong index) => inner.Term(index);

    public IReadOnlyList<LogEntry> Entries(ulong low, ulong high, long maxBytes) => inner.Entries(low, high, maxBytes);

    public async ValueTask AppendAsync(IReadOnlyList<LogEntry> entries, HardState? hardState, bool sync, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        await inner.AppendAsync(entries, hardState, sync && !SkipSync, cancellationToken);
        Volatile.Write(ref _appendTicks, _appendTicks + (Stopwatch.GetTimestamp() - started));
        Volatile.Write(ref _appends, _appends + 1);
        Volatile.Write(ref _syncedAppends, _syncedAppends + (sync ? 1 : 0));
        Volatile.Write(ref _entries, _entries + entries.Count);
    }

    public ValueTask InstallSnapshotAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default) =>
        inner.InstallSnapshotAsync(metadata, cancellationToken);

    public ValueTask CompactAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default) =>
        inner.CompactAsync(metadata, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
