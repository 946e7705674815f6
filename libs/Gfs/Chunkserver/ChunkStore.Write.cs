using System.Buffers;
using System.Globalization;
using Cluster.Core;

namespace Gfs;

public sealed partial class ChunkStore
{
    /// <summary>
    /// Writes <paramref name="data"/> at <paramref name="offset"/>; durable when the task completes. Writing past the end leaves
    /// a gap of zeros, checksummed like any data.
    /// </summary>
    /// <remarks>
    /// At or past the end this is an append (data fsync, then journal fsync). Below the end it overwrites: the first and last
    /// blocks the write only partly covers are read and verified first, since their new checksums are computed over bytes the
    /// write keeps (GFS §5.2); the new data goes to the journal as a redo record before it is written in place. A zero-length
    /// write does nothing. If the task fails, the write may or may not have happened, but never half.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The offset is negative, or the write would end past the chunk size.</exception>
    /// <exception cref="ChunkNotFoundException">No such chunk.</exception>
    /// <exception cref="ChunkCorruptException">The chunk is corrupt, or a block the overwrite keeps part of fails its checksum (nothing is written).</exception>
    /// <exception cref="StorageFullException">The disk is full; acknowledged data is intact and the chunk usable once there is room.</exception>
    public async Task WriteAsync(ulong handle, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset > ChunkSizeBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, string.Create(CultureInfo.InvariantCulture, $"A write at offset {offset} starts past the chunk size of {ChunkSizeBytes} bytes."));
        }

        if (offset + data.Length > ChunkSizeBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(data), data.Length, string.Create(CultureInfo.InvariantCulture, $"A write of {data.Length} bytes at offset {offset} would end at {offset + data.Length}, past the chunk size of {ChunkSizeBytes} bytes."));
        }

        var chunk = await EnterAsync(handle, reload: true, cancellationToken);
        try
        {
            ThrowIfCorrupt(chunk);
            if (data.Length == 0)
            {
                return;
            }

            if (offset >= chunk.Length)
            {
                await ExtendAsync(chunk, offset, data, offset + data.Length, cancellationToken);
            }
            else
            {
                await OverwriteAsync(chunk, offset, data, cancellationToken);
            }
        }
        finally
        {
            chunk.Gate.Release();
        }
    }

    /// <summary>Appends <paramref name="data"/> at the chunk's current length; durable when the task completes.</summary>
    /// <returns>The offset the data starts at.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The data is longer than a whole chunk.</exception>
    /// <exception cref="ChunkFullException">The data does not fit in the rest of the chunk; nothing is written.</exception>
    /// <exception cref="ChunkNotFoundException">No such chunk.</exception>
    /// <exception cref="ChunkCorruptException">The chunk is corrupt.</exception>
    /// <exception cref="StorageFullException">The disk is full; acknowledged data is intact and the chunk usable once there is room.</exception>
    public async Task<long> AppendAsync(ulong handle, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (data.Length > ChunkSizeBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(data), data.Length, string.Create(CultureInfo.InvariantCulture, $"An append of {data.Length} bytes is longer than a whole chunk of {ChunkSizeBytes} bytes."));
        }

        var chunk = await EnterAsync(handle, reload: true, cancellationToken);
        try
        {
            ThrowIfCorrupt(chunk);
            var offset = chunk.Length;
            if (offset + data.Length > ChunkSizeBytes)
            {
                throw new ChunkFullException(handle, offset, ChunkSizeBytes, data.Length);
            }

            if (data.Length > 0)
            {
                await ExtendAsync(chunk, offset, data, offset + data.Length, cancellationToken);
            }

            return offset;
        }
        finally
        {
            chunk.Gate.Release();
        }
    }

    /// <summary>
    /// Extends the chunk with zeros up to <paramref name="length"/> (the padding of record append, GFS §3.3); durable when the
    /// task completes. Does nothing when the chunk is already that long.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The length is negative or past the chunk size.</exception>
    /// <exception cref="ChunkNotFoundException">No such chunk.</exception>
    /// <exception cref="ChunkCorruptException">The chunk is corrupt.</exception>
    public async Task PadToAsync(ulong handle, long length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length > ChunkSizeBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, string.Create(CultureInfo.InvariantCulture, $"Cannot pad past the chunk size of {ChunkSizeBytes} bytes."));
        }

        var chunk = await EnterAsync(handle, reload: true, cancellationToken);
        try
        {
            ThrowIfCorrupt(chunk);
            if (length > chunk.Length)
            {
                await ExtendAsync(chunk, length, ReadOnlyMemory<byte>.Empty, length, cancellationToken);
            }
        }
        finally
        {
            chunk.Gate.Release();
        }
    }

    /// <summary>Raises the chunk's version (GFS §4.5); durable when the task completes (one journal fsync). The same version does nothing.</summary>
    /// <exception cref="ChunkVersionException">The version is lower than the stored one.</exception>
    /// <exception cref="ChunkNotFoundException">No such chunk.</exception>
    /// <exception cref="ChunkCorruptException">The chunk is corrupt.</exception>
    public async Task SetVersionAsync(ulong handle, ulong version, CancellationToken cancellationToken = default)
    {
        var chunk = await EnterAsync(handle, reload: true, cancellationToken);
        try
        {
            ThrowIfCorrupt(chunk);
            if (version < chunk.Version)
            {
                throw new ChunkVersionException(handle, chunk.Version, version);
            }

            if (version == chunk.Version)
            {
                return;
            }

            var record = new JournalRecord { Kind = JournalRecordKind.Update, Handle = handle, Version = version, Length = chunk.Length };
            await MutateAsync(chunk, () => AppendRecordAsync(chunk, record, cancellationToken));
            chunk.Version = version;
            Publish(chunk);
            await CompactIfNeededAsync(chunk);
        }
        finally
        {
            chunk.Gate.Release();
        }
    }

    /// <summary>
    /// Writes at or past the end: the data, a data fsync, then the journal record that commits the new length and checksums. A
    /// crash before the record is durable leaves bytes past the old length, which recovery cuts off.
    /// </summary>
    private async Task ExtendAsync(StoredChunk chunk, long offset, ReadOnlyMemory<byte> data, long newLength, CancellationToken cancellationToken)
    {
        var oldLength = chunk.Length;
        var firstBlock = oldLength / BlockSize;
        var crcs = new uint[(int)(((newLength - 1) / BlockSize) - firstBlock + 1)];
        ExtensionCrcs(chunk, offset, data.Span, newLength, crcs);
        var record = new JournalRecord
        {
            Kind = JournalRecordKind.Update,
            Handle = chunk.Handle,
            Version = chunk.Version,
            Length = newLength,
            FirstBlock = firstBlock,
            Crcs = crcs,
        };

        await MutateAsync(chunk, async () =>
        {
            var file = chunk.Data!;
            if (file.Length != oldLength)
            {
                await file.SetLengthAsync(oldLength, cancellationToken);
            }

            // A gap before the offset reads as zeros (IStorageFile's contract), which is what its checksums cover.
            if (data.Length > 0)
            {
                await file.WriteAsync(offset, data, cancellationToken);
            }
            else
            {
                await file.SetLengthAsync(newLength, cancellationToken);
            }

            await file.FlushAsync(cancellationToken);
            await AppendRecordAsync(chunk, record, cancellationToken);
        });

        chunk.UpdateCrcs(firstBlock, crcs);
        chunk.Length = newLength;
        Publish(chunk);
        await CompactIfNeededAsync(chunk);
    }

    /// <summary>
    /// The checksums of the blocks from the one holding the old end to the one holding <paramref name="newLength"/> - 1. The old
    /// last block's checksum is extended, not recomputed (GFS §5.2: appends update the last partial block incrementally), so
    /// damage already in it stays visible to the next read.
    /// </summary>
    private static void ExtensionCrcs(StoredChunk chunk, long offset, ReadOnlySpan<byte> data, long newLength, Span<uint> crcs)
    {
        var oldLength = chunk.Length;
        var firstBlock = oldLength / BlockSize;
        for (var i = 0; i < crcs.Length; i++)
        {
            var block = firstBlock + i;
            var start = block * BlockSize;
            var end = Math.Min(start + BlockSize, newLength);
            var crc = start < oldLength ? chunk.Crcs[block] : 0u;
            var from = Math.Max(start, oldLength);
            var zerosEnd = Math.Min(end, offset);
            if (zerosEnd > from)
            {
                crc = Crc32C.Append(crc, ZeroBlock.AsSpan(0, (int)(zerosEnd - from)));
            }

            var dataStart = Math.Max(from, offset);
            if (end > dataStart)
            {
                crc = Crc32C.Append(crc, data[(int)(dataStart - offset)..(int)(end - offset)]);
            }

            crcs[i] = crc;
        }
    }

    /// <summary>
    /// Overwrites acknowledged bytes: verifies the partly covered first and last blocks, commits a redo record holding the new
    /// data (journal fsync), then writes in place and fsyncs the data file. A crash after the record is durable is repaired by
    /// recovery writing the data again.
    /// </summary>
    private async Task OverwriteAsync(StoredChunk chunk, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var oldLength = chunk.Length;
        var end = offset + data.Length;
        var newLength = Math.Max(oldLength, end);
        var firstBlock = offset / BlockSize;
        var crcs = new uint[(int)(((end - 1) / BlockSize) - firstBlock + 1)];
        var scratch = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            for (var i = 0; i < crcs.Length; i++)
            {
                var block = firstBlock + i;
                var start = block * BlockSize;
                var blockEnd = Math.Min(start + BlockSize, newLength);
                if (start >= offset && blockEnd <= end)
                {
                    crcs[i] = Crc32C.Compute(data.Span[(int)(start - offset)..(int)(blockEnd - offset)]);
                    continue;
                }

                // Partly covered: the new checksum spans bytes the write keeps, so they must be proven good first, or the new
                // checksum would vouch for damage in them.
                await ReadBlockVerifiedAsync(chunk, block, scratch, cancellationToken);
                var copyFrom = Math.Max(start, offset);
                var copyTo = Math.Min(blockEnd, end);
                data.Span[(int)(copyFrom - offset)..(int)(copyTo - offset)].CopyTo(scratch.AsSpan((int)(copyFrom - start)));
                crcs[i] = Crc32C.Compute(scratch.AsSpan(0, (int)(blockEnd - start)));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }

        var record = new JournalRecord
        {
            Kind = JournalRecordKind.Update,
            Handle = chunk.Handle,
            Version = chunk.Version,
            Length = newLength,
            FirstBlock = firstBlock,
            Crcs = crcs,
            HasRedo = true,
            RedoOffset = offset,
            Redo = data,
        };

        await MutateAsync(chunk, async () =>
        {
            await AppendRecordAsync(chunk, record, cancellationToken);
            var file = chunk.Data!;
            if (file.Length > oldLength)
            {
                await file.SetLengthAsync(oldLength, cancellationToken);
            }

            await file.WriteAsync(offset, data, cancellationToken);
            await file.FlushAsync(cancellationToken);
        });

        chunk.UpdateCrcs(firstBlock, crcs);
        chunk.Length = newLength;
        Publish(chunk);
        await CompactIfNeededAsync(chunk);
    }

    /// <summary>Runs the file side of a mutation; if it fails midway the chunk is reloaded from its files before its next operation.</summary>
    private async Task MutateAsync(StoredChunk chunk, Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception ex)
        {
            chunk.NeedsReload = true;
            Log.ReloadScheduled(_logger, ex, chunk.Handle);
            throw;
        }
    }

    /// <summary>
    /// Rewrites the journal as one snapshot record once it outgrows its bound: temporary file, fsync, atomic rename, folder sync.
    /// The mutation that triggered it is already durable, so a failure here is logged, not thrown, and the chunk is reloaded.
    /// </summary>
    private async Task CompactIfNeededAsync(StoredChunk chunk)
    {
        var snapshotBytes = JournalFormat.RecordBytes((int)BlockCount(chunk.Length), hasRedo: false, 0);
        if (chunk.IsCorrupt || chunk.JournalEnd <= Math.Max(_options.JournalCompactionBytes, 2L * snapshotBytes))
        {
            return;
        }

        var record = SnapshotRecord(chunk);
        var buffer = new byte[JournalFormat.RecordBytes(record)];
        JournalFormat.Encode(record, buffer);
        try
        {
            var temporary = await _storage.OpenAsync(chunk.TemporaryName, StorageOpenMode.Truncate, CancellationToken.None);
            await using (temporary)
            {
                await temporary.WriteAsync(0, buffer, CancellationToken.None);
                await temporary.FlushAsync(CancellationToken.None);
            }

            var old = chunk.Journal!;
            chunk.Journal = null;
            await old.DisposeAsync();

            // Until the folder sync completes a crash may bring the old journal back, which is fine: it holds the same state.
            await _storage.RenameAsync(chunk.TemporaryName, chunk.JournalName, CancellationToken.None);
            await _storage.SyncDirectoryAsync(CancellationToken.None);
            chunk.Journal = await _storage.OpenAsync(chunk.JournalName, StorageOpenMode.OpenExisting, CancellationToken.None);
            chunk.JournalEnd = buffer.Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            chunk.NeedsReload = true;
            Log.JournalRewriteFailed(_logger, ex, chunk.Handle);
        }
    }
}
