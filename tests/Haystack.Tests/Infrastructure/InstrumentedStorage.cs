using Cluster.Core;

namespace Haystack.Tests.Infrastructure;

/// <summary>
/// Wraps a storage to count fsyncs and to hold the first append to files whose names end with a given
/// suffix until the test releases it, so a test can act in the middle of a multi-step operation; can make reads complete
/// asynchronously.
/// </summary>
internal sealed class InstrumentedStorage(IFileStorage inner) : IFileStorage
{
    private int _flushes;

    public int Flushes => Volatile.Read(ref _flushes);

    public string? HoldSuffix { get; set; }

    /// <summary>Makes every read complete asynchronously, as a storage on a slower medium would.</summary>
    public bool YieldOnRead { get; set; }

    public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Location => inner.Location;

    public async ValueTask<IStorageFile> OpenAsync(string name, StorageOpenMode mode, CancellationToken cancellationToken = default) =>
        new File(this, await inner.OpenAsync(name, mode, cancellationToken));

    public async ValueTask<IStorageFile> OpenAsync(string name, StorageOpenMode mode, StorageAccessPattern access, CancellationToken cancellationToken = default) =>
        new File(this, await inner.OpenAsync(name, mode, access, cancellationToken));

    public bool Exists(string name) => inner.Exists(name);

    public IReadOnlyList<string> List(string prefix = "") => inner.List(prefix);

    public ValueTask DeleteAsync(string name, CancellationToken cancellationToken = default) => inner.DeleteAsync(name, cancellationToken);

    public ValueTask RenameAsync(string sourceName, string destinationName, CancellationToken cancellationToken = default) =>
        inner.RenameAsync(sourceName, destinationName, cancellationToken);

    public ValueTask SyncDirectoryAsync(CancellationToken cancellationToken = default) => inner.SyncDirectoryAsync(cancellationToken);

    private sealed class File(InstrumentedStorage owner, IStorageFile inner) : IStorageFile
    {
        public string Name => inner.Name;

        public long Length => inner.Length;

        public async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (owner.YieldOnRead)
            {
                await Task.Yield();
            }

            return await inner.ReadAsync(offset, buffer, cancellationToken);
        }

        public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(offset, data, cancellationToken);

        public async ValueTask<long> AppendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            if (owner.HoldSuffix is { } suffix && Name.EndsWith(suffix, StringComparison.Ordinal) && owner.Held.TrySetResult())
            {
                await owner.Release.Task;
            }

            return await inner.AppendAsync(data, cancellationToken);
        }

        public ValueTask SetLengthAsync(long length, CancellationToken cancellationToken = default) => inner.SetLengthAsync(length, cancellationToken);

        public ValueTask FlushAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref owner._flushes);
            return inner.FlushAsync(cancellationToken);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
