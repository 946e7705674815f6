using System.Buffers;
using Gfs;

namespace FileSystem;

/// <summary>Copies between local streams and GFS files in pieces of one mebibyte, the way a put or get command does.</summary>
internal static class FileTransfer
{
    public const int PieceBytes = 1024 * 1024;

    /// <summary>Creates <paramref name="path"/> and writes <paramref name="source"/> into it sequentially; returns the bytes written.</summary>
    public static async Task<long> PutAsync(GfsClient client, Stream source, string path, CancellationToken cancellationToken = default)
    {
        await client.CreateFileAsync(path, cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(PieceBytes);
        try
        {
            long offset = 0;
            while (true)
            {
                var filled = await source.ReadAtLeastAsync(buffer.AsMemory(0, PieceBytes), PieceBytes, throwOnEndOfStream: false, cancellationToken);
                if (filled == 0)
                {
                    return offset;
                }

                await client.WriteAsync(path, offset, buffer.AsMemory(0, filled), cancellationToken);
                offset += filled;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads <paramref name="path"/> to its end into <paramref name="destination"/>; returns the bytes read. It reads until a
    /// replica says the file ends rather than trusting the master's length, which lags a write by a heartbeat.
    /// </summary>
    public static async Task<long> GetAsync(GfsClient client, string path, Stream destination, CancellationToken cancellationToken = default)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(PieceBytes);
        try
        {
            long offset = 0;
            while (true)
            {
                var read = await client.ReadAsync(path, offset, buffer.AsMemory(0, PieceBytes), cancellationToken);
                if (read == 0)
                {
                    return offset;
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static async Task<byte[]> ReadAllAsync(GfsClient client, string path, CancellationToken cancellationToken = default)
    {
        using var memory = new MemoryStream();
        await GetAsync(client, path, memory, cancellationToken);
        return memory.ToArray();
    }
}
