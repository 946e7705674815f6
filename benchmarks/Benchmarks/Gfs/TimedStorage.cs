using System.Diagnostics;
using Cluster.Core;

namespace Benchmarks.Gfs;

/// <summary>
/// Wraps a chunkserver's storage to count what a measured window cost it on the disk: fsyncs of chunk data files and of
/// metadata journals, the time spent inside them, and the bytes written. Thread-safe (counters are shared by all files).
/// </summary>
internal sealed class TimedStorage(IFileStorage inner, DiskCounters counters) : IFileStorage
{
    public string Location => inner.Location;

    public async ValueTask<IStorageFile> OpenAsync(string name, StorageOpenMode mode, CancellationToken cancellationToken = default) =>
        new File(counters, await inner.OpenAsync(name, mode, cancellationToken), name.EndsWith(".dat", StringComparison.Ordinal));

    public async ValueTask<IStorageFile> OpenAsync(string name, StorageOpenMode mode, StorageAccessPattern access, CancellationToken cancellationToken = default) =>
        new File(counters, await inner.OpenAsync(name, mode, access, cancellationToken), name.EndsWith(".dat", StringComparison.Ordinal));

    public bool Exists(string name) => inner.Exists(name);

    public IReadOnlyList<string> List(string prefix = "") => inner.List(prefix);

    public ValueTask DeleteAsync(string name, CancellationToken cancellationToken = default) => inner.DeleteAsync(name, cancellationToken);

    public ValueTask RenameAsync(string sourceName, string destinationName, CancellationToken cancellationToken = default) =>
        inner.RenameAsync(sourceName, destinationName, cancellationToken);

    public async ValueTask SyncDirectoryAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        await inner.SyncDirectoryAsync(cancellationToken);
        counters.AddFolderSync(Stopwatch.GetTimestamp() - started);
    }

    private sealed class File(DiskCounters counters, IStorageFile inner, bool isData) : IStorageFile
    {
        public string Name => inner.Name;

        public long Length => inner.Length;

        public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(offset, buffer, cancellationToken);

        public async ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            var started = Stopwatch.GetTimestamp();
            await inner.WriteAsync(offset, data, cancellationToken);
            counters.AddWrite(isData, data.Length, Stopwatch.GetTimestamp() - started);
        }

        public ValueTask<long> AppendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
            inner.AppendAsync(data, cancellationToken);

        public ValueTask SetLengthAsync(long length, CancellationToken cancellationToken = default) => inner.SetLengthAsync(length, cancellationToken);

        public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
        {
            var started = Stopwatch.GetTimestamp();
            await inner.FlushAsync(cancellationToken);
            counters.AddFlush(isData, Stopwatch.GetTimestamp() - started);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
