namespace Raft.Core;

/// <summary>
/// The durable Raft log of one node as the hosted node (<see cref="RaftNode"/>) uses it: the reading side the core needs
/// (<see cref="IRaftLogReader"/>) plus the writes that persist a <see cref="Ready"/> batch.
/// </summary>
/// <remarks>
/// <para>
/// The snapshot this store reports through <see cref="IRaftLogReader.Snapshot"/> carries metadata only (empty data): the
/// snapshot's bytes live in an <see cref="ISnapshotStore"/>, and the store only remembers where the log was cut.
/// </para>
/// <para>
/// <b>Durability.</b> When a write completes with <c>sync</c> true, it and every earlier write survive a crash.
/// <see cref="InstallSnapshotAsync"/> and <see cref="CompactAsync"/> are always durable when they complete. A crash may lose
/// unsynced appends from any point on, never an earlier synced one.
/// </para>
/// <para>
/// <b>Threading.</b> One writer: the host calls the write methods one at a time and never while the core is inside a call.
/// The reading side is served from memory, synchronously.
/// </para>
/// </remarks>
public interface ILogStore : IRaftLogReader, IAsyncDisposable
{
    /// <summary>
    /// Appends <paramref name="entries"/>, first dropping any stored entries at or after the first new index (a follower's
    /// conflicting suffix, Raft §5.3), then records <paramref name="hardState"/> when it is not null.
    /// </summary>
    /// <param name="entries">Consecutive entries starting at most one past <see cref="IRaftLogReader.LastIndex"/>; entries the
    /// snapshot already covers are skipped.</param>
    /// <param name="hardState">The hard state to save, or null to keep the current one.</param>
    /// <param name="sync">Whether the write must be durable (fsync) before the returned task completes.</param>
    /// <param name="cancellationToken">Cancels waiting; the write may or may not have happened.</param>
    /// <exception cref="ArgumentException">The entries leave a gap after the last index, or are not consecutive.</exception>
    /// <exception cref="Cluster.Core.StorageFullException">The medium is full; nothing of this call is acknowledged.</exception>
    ValueTask AppendAsync(IReadOnlyList<LogEntry> entries, HardState? hardState, bool sync, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the whole log with the point described by <paramref name="metadata"/>: a follower installing the leader's snapshot
    /// (whose bytes are already durable in the <see cref="ISnapshotStore"/>). Every entry is discarded. Durable on completion.
    /// </summary>
    /// <remarks>Does nothing when the store's snapshot is already at or past <paramref name="metadata"/>'s index.</remarks>
    ValueTask InstallSnapshotAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default);

    /// <summary>
    /// Discards entries up to and including <paramref name="metadata"/>'s index, which a durable snapshot covers, and records
    /// the metadata as the log's starting point. Durable on completion.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is past <see cref="IRaftLogReader.LastIndex"/>.</exception>
    ValueTask CompactAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default);
}
