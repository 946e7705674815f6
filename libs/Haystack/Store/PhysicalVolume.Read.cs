using System.Buffers;
using Cluster.Core;

namespace Haystack;

public sealed partial class PhysicalVolume
{
    /// <summary>Reads a needle's data after checking its integrity and its cookie.</summary>
    /// <remarks>
    /// The result is a fresh array the caller owns. When the storage completes reads synchronously (a local disk does),
    /// so does this call: no task is allocated and no thread is switched. <see cref="ReadLeasedAsync"/> reads into a pooled
    /// buffer instead, for callers that pass the bytes on and let go of them.
    /// </remarks>
    /// <exception cref="NeedleNotFoundException">No live needle has that key and alternate key.</exception>
    /// <exception cref="CookieMismatchException">The cookie is wrong; no bytes are returned.</exception>
    /// <exception cref="NeedleCorruptException">The needle failed its checks; no bytes are returned.</exception>
    public ValueTask<ReadOnlyMemory<byte>> ReadAsync(ulong key, uint alternateKey, ulong cookie, CancellationToken cancellationToken = default)
    {
        try
        {
            var pending = ReadVerifiedAsync(key, alternateKey, cookie, pooled: false, cancellationToken);
            if (pending.IsCompletedSuccessfully)
            {
                var (buffer, dataSize) = pending.Result;
                return ValueTask.FromResult<ReadOnlyMemory<byte>>(buffer.AsMemory(NeedleFormat.HeaderBytes, dataSize));
            }

            return AwaitArrayAsync(pending);
        }
        catch (Exception ex) when (ex is not InvariantViolationException)
        {
            return ValueTask.FromException<ReadOnlyMemory<byte>>(ex);
        }

        static async ValueTask<ReadOnlyMemory<byte>> AwaitArrayAsync(ValueTask<(byte[] Buffer, int DataSize)> pending)
        {
            var (buffer, dataSize) = await pending;
            return buffer.AsMemory(NeedleFormat.HeaderBytes, dataSize);
        }
    }

    /// <summary>
    /// Reads a needle's data, checked exactly as <see cref="ReadAsync"/> checks it, into a buffer rented from
    /// <see cref="ArrayPool{T}.Shared"/>; disposing the lease returns the buffer.
    /// </summary>
    /// <remarks>
    /// For hot paths that copy the bytes onward (a socket, a response body, a cache of their own) and need not keep the
    /// array: a read then allocates nothing but the lease object. The memory must not be used after the lease is disposed.
    /// </remarks>
    /// <exception cref="NeedleNotFoundException">No live needle has that key and alternate key.</exception>
    /// <exception cref="CookieMismatchException">The cookie is wrong; no bytes are returned.</exception>
    /// <exception cref="NeedleCorruptException">The needle failed its checks; no bytes are returned.</exception>
    public ValueTask<NeedleLease> ReadLeasedAsync(ulong key, uint alternateKey, ulong cookie, CancellationToken cancellationToken = default)
    {
        try
        {
            var pending = ReadVerifiedAsync(key, alternateKey, cookie, pooled: true, cancellationToken);
            if (pending.IsCompletedSuccessfully)
            {
                var (buffer, dataSize) = pending.Result;
                return ValueTask.FromResult(new NeedleLease(buffer, NeedleFormat.HeaderBytes, dataSize));
            }

            return AwaitLeaseAsync(pending);
        }
        catch (Exception ex) when (ex is not InvariantViolationException)
        {
            return ValueTask.FromException<NeedleLease>(ex);
        }

        static async ValueTask<NeedleLease> AwaitLeaseAsync(ValueTask<(byte[] Buffer, int DataSize)> pending)
        {
            var (buffer, dataSize) = await pending;
            return new NeedleLease(buffer, NeedleFormat.HeaderBytes, dataSize);
        }
    }

    /// <summary>
    /// The one positional read of a whole needle and its checks; the buffer holds the needle from offset zero and the data
    /// size is returned with it. A pooled buffer goes back to the pool on any failure.
    /// </summary>
    private ValueTask<(byte[] Buffer, int DataSize)> ReadVerifiedAsync(ulong key, uint alternateKey, ulong cookie, bool pooled, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var (file, location) = PinForRead(key, alternateKey);
        byte[]? buffer = null;
        var releaseFile = true;
        var returnBuffer = pooled;
        try
        {
            // Uninitialised or pooled: the read overwrites every byte used, and a short read is refused before any byte is
            // looked at. Zeroing tens of kilobytes per read would cost about as much as copying them out of the page cache.
            buffer = pooled ? ArrayPool<byte>.Shared.Rent(location.Length) : GC.AllocateUninitializedArray<byte>(location.Length);
            var pending = file.Handle.ReadAsync(location.Offset, buffer.AsMemory(0, location.Length), cancellationToken);
            if (!pending.IsCompletedSuccessfully)
            {
                // The slow path owns the pinned file and the buffer from here.
                releaseFile = false;
                returnBuffer = false;
                return AwaitReadAsync(pending, file, location, key, alternateKey, cookie, buffer, pooled);
            }

            var dataSize = CheckNeedle(file, location, key, alternateKey, cookie, buffer.AsSpan(0, location.Length), pending.Result);
            returnBuffer = false;
            return ValueTask.FromResult((buffer, dataSize));
        }
        finally
        {
            if (releaseFile)
            {
                file.ReleaseReader();
            }

            if (returnBuffer && buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private async ValueTask<(byte[] Buffer, int DataSize)> AwaitReadAsync(
        ValueTask<int> pending, VolumeFile file, NeedleLocation location, ulong key, uint alternateKey, ulong cookie, byte[] buffer, bool pooled)
    {
        var ok = false;
        try
        {
            var read = await pending;
            var dataSize = CheckNeedle(file, location, key, alternateKey, cookie, buffer.AsSpan(0, location.Length), read);
            ok = true;
            return (buffer, dataSize);
        }
        finally
        {
            file.ReleaseReader();
            if (!ok && pooled)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Where the live needle of (key, alternate key) lies in the current file, for measurements that time a read's parts apart.</summary>
    internal bool TryLocate(ulong key, uint alternateKey, out long offset, out int length)
    {
        lock (_indexLock)
        {
            var found = _index.TryGet(key, alternateKey, out var location);
            (offset, length) = (location.Offset, location.Length);
            return found;
        }
    }

    /// <summary>Looks the needle up and pins the file it lives in, under the same lock, so a compaction swap cannot pair the location with the other file.</summary>
    private (VolumeFile File, NeedleLocation Location) PinForRead(ulong key, uint alternateKey)
    {
        lock (_indexLock)
        {
            if (!_index.TryGet(key, alternateKey, out var location))
            {
                throw new NeedleNotFoundException(VolumeId, key, alternateKey);
            }

            var file = _file;
            file.AddReader();
            return (file, location);
        }
    }

    /// <summary>Checks a needle as read (length, checksum, identity, delete flag, cookie); returns its data size or throws.</summary>
    private int CheckNeedle(VolumeFile file, NeedleLocation location, ulong key, uint alternateKey, ulong cookie, ReadOnlySpan<byte> needle, int read)
    {
        string? reason = null;
        var header = read == needle.Length ? NeedleFormat.Verify(needle, out reason) : null;
        if (header is null || header.Value.Key != key || header.Value.AlternateKey != alternateKey)
        {
            throw ReportCorruption(location.Offset, read != needle.Length ? $"short read of {read} of {needle.Length} bytes" : reason ?? "the needle at the indexed offset has another key");
        }

        if (header.Value.IsDeleted)
        {
            // Deleted after the last checkpoint was written: forget it now.
            lock (_indexLock)
            {
                if (ReferenceEquals(file, _file))
                {
                    _index.Remove(key, alternateKey);
                }
            }

            throw new NeedleNotFoundException(VolumeId, key, alternateKey);
        }

        if (header.Value.Cookie != cookie)
        {
            throw new CookieMismatchException(VolumeId, key, alternateKey);
        }

        return (int)header.Value.DataSize;
    }
}
