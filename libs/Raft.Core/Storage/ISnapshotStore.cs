namespace Raft.Core;

/// <summary>
/// Where a node keeps the bytes of its latest state-machine snapshot. The state machine writes a snapshot as a stream of a size
/// not known in advance; <see cref="ISnapshotWriter.CommitAsync"/> makes it the current one atomically.
/// </summary>
/// <remarks>
/// <para>
/// <b>Durability.</b> After <see cref="ISnapshotWriter.CommitAsync"/> completes the new snapshot survives a crash and replaces the
/// previous one; a crash before that leaves the previous one current (a durable implementation writes a temporary file,
/// fsyncs it, renames it over the current one and fsyncs the folder).
/// </para>
/// <para><b>Threading.</b> One writer at a time; readers opened with <see cref="OpenReadAsync"/> may run beside it.</para>
/// </remarks>
public interface ISnapshotStore : IAsyncDisposable
{
    /// <summary>What the current snapshot covers, or null when there is none.</summary>
    SnapshotMetadata? Current { get; }

    /// <summary>Opens the current snapshot's bytes for reading. The stream is seekable and reads the snapshot as committed.</summary>
    /// <exception cref="InvalidOperationException">There is no current snapshot.</exception>
    ValueTask<Stream> OpenReadAsync(CancellationToken cancellationToken = default);

    /// <summary>Starts writing a new snapshot. Disposing the writer without committing discards it.</summary>
    ValueTask<ISnapshotWriter> CreateAsync(CancellationToken cancellationToken = default);
}
