using System.Buffers;

namespace Haystack;

/// <summary>
/// A needle's verified data in a buffer rented from <see cref="ArrayPool{T}.Shared"/>, as returned by
/// <see cref="PhysicalVolume.ReadLeasedAsync"/>. Disposing it returns the buffer to the pool.
/// </summary>
/// <remarks>
/// Not thread-safe for use after disposal: the memory must not be touched once the lease is disposed, since the pool hands
/// the buffer to the next reader. Disposing twice is harmless.
/// </remarks>
public sealed class NeedleLease : IMemoryOwner<byte>
{
    private readonly int _start;
    private readonly int _length;
    private byte[]? _buffer;

    internal NeedleLease(byte[] buffer, int start, int length)
    {
        _buffer = buffer;
        _start = start;
        _length = length;
    }

    /// <summary>The blob's bytes.</summary>
    /// <exception cref="ObjectDisposedException">The lease was disposed.</exception>
    public Memory<byte> Memory
    {
        get
        {
            var buffer = _buffer;
            ObjectDisposedException.ThrowIf(buffer is null, this);
            return buffer.AsMemory(_start, _length);
        }
    }

    /// <summary>The length of the blob in bytes.</summary>
    public int Length => _length;

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
