using System.Globalization;

namespace Gfs;

/// <summary>
/// An append does not fit in what is left of the chunk. For record append the primary pads the chunk to its full size and the
/// client retries on the next chunk (GFS §3.3).
/// </summary>
public sealed class ChunkFullException : InvalidOperationException
{
    /// <summary>Creates the exception naming the chunk, its length, the limit and the request.</summary>
    public ChunkFullException(ulong handle, long length, long chunkSizeBytes, long requestedBytes)
        : base(string.Create(CultureInfo.InvariantCulture, $"Chunk {handle:x16} holds {length} of {chunkSizeBytes} bytes; an append of {requestedBytes} bytes does not fit in the {chunkSizeBytes - length} bytes left. Pad the chunk and append to the next one."))
    {
        Handle = handle;
        Length = length;
        ChunkSizeBytes = chunkSizeBytes;
        RequestedBytes = requestedBytes;
    }

    /// <summary>The full chunk.</summary>
    public ulong Handle { get; }

    /// <summary>The chunk's length when the append was refused.</summary>
    public long Length { get; }

    /// <summary>The most bytes a chunk holds.</summary>
    public long ChunkSizeBytes { get; }

    /// <summary>The size of the refused append.</summary>
    public long RequestedBytes { get; }
}
