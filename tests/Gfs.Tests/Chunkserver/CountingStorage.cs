using Cluster.Core;

namespace Gfs.Tests.Chunkserver;

/// <summary>
/// Wraps a storage to count file fsyncs, folder syncs and renames, and optionally to flip one bit of the next read of a data file (a
/// transient read error: the stored bytes stay intact).
/// </summary>
internal sealed class CountingStorage(IFileStorage inner) : IFileStorage
{
    public int FileFlushes { get; private set; }

    public int FolderSyncs { get; private set; }

    public int Renames { get; private set; }

    /// <summary>When set, the next read of a file whose name ends with ".dat" returns one flipped bit, then this clears.</summary>
    public bool FlipNextDataRead { get; set; }

    public string Location => inner.Location;

    public async ValueTask<IStorageFile> OpenAsync(string name, StorageOpenMode mode, CancellationToken cancellationToken = default) =>
        new File(this, await inner.OpenAsync(name, mode, cancellationToken));

    public async ValueTask<IStorageFile> OpenAsync(string name, StorageOpenMode mode, StorageAccessPattern access, CancellationToken cancellationToken = default) =>
        new File(this, await inner.OpenAsync(name, mode, access, cancellationToken));

    public bool Exists(string name) => inner.Exists(name);

    public IReadOnlyList<string> List(string prefix = "") => inner.List(prefix);

    public ValueTask DeleteAsync(string name, CancellationToken cancellationToken = default) => inner.DeleteAsync(name, cancellationToken);

    public ValueTask RenameAsync(string sourceName, string destinationName, CancellationToken cancellationToken = default)
    {
        Renames++;
        return inner.RenameAsync(sourceName, destinationName, cancellationToken);
    }

    public ValueTask SyncDirectoryAsync(CancellationToken cancellationToken = default)
    {
        FolderSyncs++;
        return inner.SyncDirectoryAsync(cancellationToken);
    }

    private sealed class File(CountingStorage owner, IStorageFile inner) : IStorageFile
    {
        public string Name => inner.Name;

        public long Length => inner.Length;

        public async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(offset, buffer, cancellationToken);
            if (read > 0 && owner.FlipNextDataRead && Name.EndsWith(".dat", StringComparison.Ordinal))
            {
                owner.FlipNextDataRead = false;
                buffer.Span[read / 2] ^= 0x08;
            }

            return read;
        }

        public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(offset, data, cancellationToken);

        public ValueTask<long> AppendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
            inner.AppendAsync(data, cancellationToken);

        public ValueTask SetLengthAsync(long length, CancellationToken cancellationToken = default) => inner.SetLengthAsync(length, cancellationToken);

        public ValueTask FlushAsync(CancellationToken cancellationToken = default)
        {
            owner.FileFlushes++;
            return inner.FlushAsync(cancellationToken);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
