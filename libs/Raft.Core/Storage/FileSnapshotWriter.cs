using Cluster.Core;

namespace Raft.Core;

/// <summary>A snapshot being written to a temporary file of a <see cref="FileSnapshotStore"/>.</summary>
internal sealed class FileSnapshotWriter : ISnapshotWriter
{
    private readonly FileSnapshotStore _store;
    private readonly IStorageFile _file;
    private readonly string _temporaryName;
    private readonly StorageFileStream _stream;
    private bool _done;
    private bool _committed;
    private bool _fileClosed;

    public FileSnapshotWriter(FileSnapshotStore store, IStorageFile file, string temporaryName)
    {
        _store = store;
        _file = file;
        _temporaryName = temporaryName;
        _stream = StorageFileStream.ForWriting(file);
    }

    public Stream Stream => _done ? throw new ObjectDisposedException(nameof(ISnapshotWriter), "The snapshot was already committed or discarded.") : _stream;

    public long Length => _stream.BytesWritten;

    public async ValueTask CommitAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (_done)
        {
            throw new InvalidOperationException("The snapshot was already committed or discarded.");
        }

        // Whatever happens from here on, this writer is finished: a failed commit leaves only a temporary file, deleted on dispose.
        _done = true;
        var payloadBytes = _stream.BytesWritten;
        var footer = SnapshotFileFormat.BuildFooter(metadata, payloadBytes, _stream.Checksum);
        await _stream.FlushAsync(cancellationToken);
        await _file.WriteAsync(payloadBytes, footer, cancellationToken);
        await _file.FlushAsync(cancellationToken);
        await CloseFileAsync();

        // The rename publishes a file that is already durable; the folder fsync makes the new name itself survive a crash.
        var storage = _store.Storage;
        var sequence = _store.TakeSequence();
        var name = SnapshotFileFormat.CommittedName(_store.Prefix, sequence);
        await storage.RenameAsync(_temporaryName, name, cancellationToken);
        _committed = true;
        await storage.SyncDirectoryAsync(cancellationToken);
        var previous = _store.Install(new CommittedSnapshot(name, sequence, metadata, payloadBytes));
        if (previous is not null)
        {
            await storage.DeleteAsync(previous.Name, CancellationToken.None);
            await storage.SyncDirectoryAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _done = true;
        await CloseFileAsync();
        if (!_committed)
        {
            // Discarded: the temporary file is useless. Open deletes it too, should this fail or a crash come first.
            await _store.Storage.DeleteAsync(_temporaryName);
        }
    }

    private async ValueTask CloseFileAsync()
    {
        if (_fileClosed)
        {
            return;
        }

        _fileClosed = true;
        try
        {
            await _stream.DisposeAsync();
        }
        finally
        {
            await _file.DisposeAsync();
        }
    }
}
