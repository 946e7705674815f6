namespace Raft.Core;

/// <summary>A snapshot being written; see <see cref="ISnapshotStore"/>.</summary>
public interface ISnapshotWriter : IAsyncDisposable
{
    /// <summary>The stream to write the snapshot's bytes to (write-only, not seekable). Prefer its asynchronous methods.</summary>
    Stream Stream { get; }

    /// <summary>Bytes written so far.</summary>
    long Length { get; }

    /// <summary>
    /// Makes the written bytes the current snapshot, described by <paramref name="metadata"/>, durably and atomically; the previous
    /// snapshot is then deleted.
    /// </summary>
    /// <exception cref="InvalidOperationException">Already committed or disposed.</exception>
    ValueTask CommitAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default);
}
