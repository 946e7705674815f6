using Microsoft.Win32.SafeHandles;

namespace Cluster.Core;

/// <summary>An open file of a <see cref="DiskFileStorage"/>: positional I/O on a <see cref="SafeFileHandle"/>.</summary>
/// <remarks>Operations complete synchronously (see <see cref="DiskFileStorage"/>). One writer at a time; concurrent reads are fine.</remarks>
internal sealed class DiskStorageFile : IStorageFile
{
    private readonly DiskFileStorage _storage;
    private readonly SafeFileHandle _handle;
    private long _length;

    public DiskStorageFile(DiskFileStorage storage, string name, SafeFileHandle handle)
    {
        _storage = storage;
        _handle = handle;
        Name = name;
        _length = RandomAccess.GetLength(handle);
    }

    public string Name { get; }

    public long Length => Interlocked.Read(ref _length);

    public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();

        // pread may return fewer bytes than asked before the end (signals, large requests); keep going until
        // the buffer is full or the file ends, as the contract promises.
        var total = 0;
        while (total < buffer.Length)
        {
            var read = RandomAccess.Read(_handle, buffer.Span[total..], offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return ValueTask.FromResult(total);
    }

    public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();
        Write(offset, data.Span);
        return ValueTask.CompletedTask;
    }

    public ValueTask<long> AppendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();
        var offset = Length;
        Write(offset, data.Span);
        return ValueTask.FromResult(offset);
    }

    public ValueTask SetLengthAsync(long length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            RandomAccess.SetLength(_handle, length);
        }
        catch (IOException e) when (DiskFileStorage.IsDiskFull(e))
        {
            throw new StorageFullException(_storage.Location, Name, e);
        }

        Interlocked.Exchange(ref _length, length);
        return ValueTask.CompletedTask;
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            // fsync(2) on Unix, FlushFileBuffers on Windows: returns once the device reports the data stored.
            RandomAccess.FlushToDisk(_handle);
        }
        catch (IOException e) when (DiskFileStorage.IsDiskFull(e))
        {
            // Delayed allocation can surface ENOSPC only at fsync time.
            throw new StorageFullException(_storage.Location, Name, e);
        }

        _storage.CountFileFlush();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _handle.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Write(long offset, ReadOnlySpan<byte> data)
    {
        try
        {
            RandomAccess.Write(_handle, data, offset);
        }
        catch (IOException e) when (DiskFileStorage.IsDiskFull(e))
        {
            throw new StorageFullException(_storage.Location, Name, e);
        }

        var end = offset + data.Length;
        var current = Interlocked.Read(ref _length);
        while (end > current)
        {
            var seen = Interlocked.CompareExchange(ref _length, end, current);
            if (seen == current)
            {
                break;
            }

            current = seen;
        }
    }

    private void ThrowIfClosed() => ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
}
