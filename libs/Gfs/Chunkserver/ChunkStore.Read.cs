using System.Buffers;
using System.Globalization;
using Cluster.Core;

namespace Gfs;

public sealed partial class ChunkStore
{
    // The scrub reads this many blocks (1 MiB) per step and lets other operations on the chunk run in between.
    private const int VerifyRunBlocks = 16;

    /// <summary>
    /// Reads up to <c>destination.Length</c> bytes at <paramref name="offset"/>, after verifying the checksum of every block the
    /// range touches (GFS §5.2). Fewer bytes only at the end of the chunk; zero at or past it.
    /// </summary>
    /// <remarks>
    /// If a block fails its checksum (after one re-read, so a transient read error is not taken for damage), the chunk is marked
    /// corrupt, the bytes read into <paramref name="destination"/> are cleared, and this and every later read throws until the
    /// chunk is deleted.
    /// </remarks>
    /// <returns>The number of bytes read.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The offset is negative.</exception>
    /// <exception cref="ChunkNotFoundException">No such chunk.</exception>
    /// <exception cref="ChunkCorruptException">A block fails its checksum, or the chunk was already marked corrupt; it names the block and file.</exception>
    public async Task<int> ReadAsync(ulong handle, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var chunk = await EnterAsync(handle, reload: true, cancellationToken);
        try
        {
            ThrowIfCorrupt(chunk);
            if (offset >= chunk.Length || destination.IsEmpty)
            {
                return 0;
            }

            var count = (int)Math.Min(destination.Length, chunk.Length - offset);
            await ReadVerifiedAsync(chunk, offset, destination[..count], cancellationToken);
            return count;
        }
        finally
        {
            chunk.Gate.Release();
        }
    }

    /// <summary>Reads the whole chunk, verified, as one consistent copy: what a chunkserver sends to clone a replica (GFS §4.3).</summary>
    /// <exception cref="ChunkNotFoundException">No such chunk.</exception>
    /// <exception cref="ChunkCorruptException">A block fails its checksum; the chunk is marked corrupt.</exception>
    public async Task<byte[]> ReadAllAsync(ulong handle, CancellationToken cancellationToken = default)
    {
        var chunk = await EnterAsync(handle, reload: true, cancellationToken);
        try
        {
            ThrowIfCorrupt(chunk);
            var buffer = new byte[chunk.Length];
            if (buffer.Length > 0)
            {
                await ReadVerifiedAsync(chunk, 0, buffer, cancellationToken);
            }

            return buffer;
        }
        finally
        {
            chunk.Gate.Release();
        }
    }

    /// <summary>
    /// Verifies every block of the chunk, as a chunkserver does in idle periods so that rarely read chunks do not hide damage
    /// (GFS §5.2). Reads 1 MiB at a time and lets other operations on the chunk run in between.
    /// </summary>
    /// <returns>The index of the first corrupt block, or -1 when every block verifies. A corrupt block marks the chunk corrupt.</returns>
    /// <exception cref="ChunkNotFoundException">No such chunk (or it was deleted during the scan).</exception>
    /// <exception cref="ChunkCorruptException">The chunk's metadata journal is damaged, so there are no checksums to verify against.</exception>
    public async Task<long> VerifyAsync(ulong handle, CancellationToken cancellationToken = default)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(VerifyRunBlocks * BlockSize);
        try
        {
            long block = 0;
            while (true)
            {
                var chunk = await EnterAsync(handle, reload: true, cancellationToken);
                try
                {
                    if (chunk.IsCorrupt)
                    {
                        return chunk.CorruptBlock >= 0 ? chunk.CorruptBlock : throw chunk.CorruptException();
                    }

                    var blocks = BlockCount(chunk.Length);
                    if (block >= blocks)
                    {
                        return -1;
                    }

                    var last = Math.Min(blocks, block + VerifyRunBlocks) - 1;
                    var bytes = (int)(Math.Min((last + 1) * BlockSize, chunk.Length) - (block * BlockSize));
                    try
                    {
                        await ReadRunVerifiedAsync(chunk, block, buffer.AsMemory(0, bytes), cancellationToken);
                    }
                    catch (ChunkCorruptException e) when (e.Handle == handle)
                    {
                        return e.BlockIndex;
                    }

                    block = last + 1;
                }
                finally
                {
                    chunk.Gate.Release();
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void ThrowIfCorrupt(StoredChunk chunk)
    {
        if (chunk.IsCorrupt)
        {
            throw chunk.CorruptException();
        }
    }

    /// <summary>
    /// Reads <c>destination.Length</c> bytes at <paramref name="offset"/> (all below the chunk's length) and verifies every block
    /// they touch. Whole blocks go straight into <paramref name="destination"/>; partly covered ones through a scratch block.
    /// </summary>
    private async Task ReadVerifiedAsync(StoredChunk chunk, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var end = offset + destination.Length;
        var block = offset / BlockSize;
        byte[]? scratch = null;
        try
        {
            while (block * BlockSize < end)
            {
                var start = block * BlockSize;
                if (start >= offset && BlockEnd(chunk, block) <= end)
                {
                    var last = block;
                    while ((last + 1) * BlockSize < end && BlockEnd(chunk, last + 1) <= end)
                    {
                        last++;
                    }

                    var runEnd = BlockEnd(chunk, last);
                    await ReadRunVerifiedAsync(chunk, block, destination[(int)(start - offset)..(int)(runEnd - offset)], cancellationToken);
                    block = last + 1;
                    continue;
                }

                scratch ??= ArrayPool<byte>.Shared.Rent(BlockSize);
                var blockBytes = await ReadBlockVerifiedAsync(chunk, block, scratch, cancellationToken);
                var from = Math.Max(start, offset);
                var to = Math.Min(start + blockBytes, end);
                scratch.AsSpan((int)(from - start), (int)(to - from)).CopyTo(destination.Span[(int)(from - offset)..]);
                block++;
            }
        }
        catch (ChunkCorruptException)
        {
            // Bytes of a failing read never reach the caller, not even in its buffer.
            destination.Span.Clear();
            throw;
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }

    /// <summary>Reads whole blocks from <paramref name="firstBlock"/> on into <paramref name="destination"/> with one read, and verifies each.</summary>
    private async Task ReadRunVerifiedAsync(StoredChunk chunk, long firstBlock, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var read = await chunk.Data!.ReadAsync(firstBlock * BlockSize, destination, cancellationToken);
        for (var at = 0; at < destination.Length; at += BlockSize)
        {
            var block = firstBlock + (at / BlockSize);
            var slice = destination.Slice(at, Math.Min(BlockSize, destination.Length - at));
            if (read < at + slice.Length || Crc32C.Compute(slice.Span) != chunk.Crcs[block])
            {
                await ReadBlockVerifiedAsync(chunk, block, slice, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Reads one block into the start of <paramref name="buffer"/> and verifies it, reading once more before declaring damage.
    /// On damage the chunk is marked corrupt (in memory and, if possible, in the journal) and <see cref="ChunkCorruptException"/> thrown.
    /// </summary>
    /// <returns>The block's size (less than <see cref="BlockSize"/> only for the last block).</returns>
    private async Task<int> ReadBlockVerifiedAsync(StoredChunk chunk, long block, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var size = (int)(BlockEnd(chunk, block) - (block * BlockSize));
        var target = buffer[..size];
        var expected = chunk.Crcs[block];
        var reason = string.Empty;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var read = await chunk.Data!.ReadAsync(block * BlockSize, target, cancellationToken);
            if (read < size)
            {
                reason = string.Create(CultureInfo.InvariantCulture, $"the data file ends {size - read} bytes before the block's acknowledged end");
                continue;
            }

            var actual = Crc32C.Compute(target.Span);
            if (actual == expected)
            {
                if (attempt > 0)
                {
                    Log.TransientMismatch(_logger, chunk.Handle, block);
                }

                return size;
            }

            reason = string.Create(CultureInfo.InvariantCulture, $"CRC-32C {actual:x8} where {expected:x8} was stored");
        }

        target.Span.Clear();
        await MarkCorruptAsync(chunk, block, reason);
        throw chunk.CorruptException();
    }

    /// <summary>Marks the chunk corrupt in memory and records the mark in its journal, so it survives a restart.</summary>
    private async Task MarkCorruptAsync(StoredChunk chunk, long block, string reason)
    {
        Log.BlockCorrupt(_logger, chunk.Handle, block, chunk.DataName, reason);
        chunk.MarkCorrupt(block, chunk.DataName, reason);
        Publish(chunk);
        var record = new JournalRecord { Kind = JournalRecordKind.Update, Handle = chunk.Handle, Version = chunk.Version, Length = chunk.Length, CorruptBlock = block };
        try
        {
            await AppendRecordAsync(chunk, record, CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The next read finds the damage again anyway; a torn mark is cut off by the reload.
            chunk.NeedsReload = true;
            Log.CorruptMarkNotSaved(_logger, ex, chunk.Handle);
        }
    }

    private static long BlockEnd(StoredChunk chunk, long block) => Math.Min((block + 1) * BlockSize, chunk.Length);
}
