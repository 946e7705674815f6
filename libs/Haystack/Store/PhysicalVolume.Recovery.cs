using Cluster.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Haystack;

public sealed partial class PhysicalVolume
{
    private const int ScanChunkBytes = 1024 * 1024;

    /// <summary>
    /// Opens an existing volume: loads the index checkpoint when it is valid, re-indexes the needles
    /// written after it, cuts off a torn last needle, and removes what an interrupted compaction left.
    /// </summary>
    /// <exception cref="FileNotFoundException">No volume with that id exists.</exception>
    /// <exception cref="CorruptDataException">The superblock or a needle before the tail is corrupt; the message names the file and offset.</exception>
    public static async Task<PhysicalVolume> OpenAsync(IFileStorage storage, uint volumeId, VolumeOptions? options = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        options ??= new VolumeOptions();
        options.Validate();
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<PhysicalVolume>();
        var fileName = DataFileName(volumeId);

        // A compaction that did not reach its rename leaves only a temporary file; the volume itself is intact.
        if (storage.Exists(CompactFileName(volumeId)))
        {
            Log.CompactionLeftover(logger, volumeId);
            await storage.DeleteAsync(CompactFileName(volumeId), cancellationToken);
            await storage.SyncDirectoryAsync(cancellationToken);
        }

        var handle = await storage.OpenAsync(fileName, StorageOpenMode.OpenExisting, StorageAccessPattern.Random, cancellationToken);
        try
        {
            var superblock = new byte[NeedleFormat.SuperblockBytes];
            var read = await handle.ReadAsync(0, superblock, cancellationToken);
            string? reason = "the file is shorter than a superblock";
            var parsed = read == superblock.Length ? NeedleFormat.TryReadSuperblock(superblock, out reason) : null;
            if (parsed is null)
            {
                throw new CorruptDataException(fileName, 0, reason ?? "unreadable superblock");
            }

            if (parsed.Value.VolumeId != volumeId)
            {
                throw new CorruptDataException(fileName, 0, $"the superblock names volume {parsed.Value.VolumeId}, not {volumeId}");
            }

            var generation = parsed.Value.Generation;
            var index = new NeedleIndex();
            var scanFrom = await LoadCheckpointAsync(storage, volumeId, generation, handle.Length, index, logger, cancellationToken) ?? NeedleFormat.SuperblockBytes;
            var end = await ScanAsync(handle, fileName, scanFrom, index, logger, options, cancellationToken);
            index.Merge();
            var volume = new PhysicalVolume(storage, volumeId, options, logger, new VolumeFile(handle), index, generation, end);
            Log.Opened(logger, volumeId, index.Count, end, scanFrom);
            return volume;
        }
        catch
        {
            await handle.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Indexes every needle from <paramref name="from"/> to the end of the file. A damaged needle with a
    /// good one after it is corruption; a damaged needle with nothing good after it is the torn tail of
    /// an unacknowledged write, and is cut off.
    /// </summary>
    /// <returns>The end of the last good needle, which becomes the new end of the file.</returns>
    private static async Task<long> ScanAsync(IStorageFile handle, string fileName, long from, NeedleIndex index, ILogger logger, VolumeOptions options, CancellationToken cancellationToken)
    {
        var position = from;
        var length = handle.Length;
        var header = new byte[NeedleFormat.HeaderBytes];
        while (position < length)
        {
            var needle = await TryReadNeedleAsync(handle, position, length, header, options, cancellationToken);
            if (needle is { } good)
            {
                if (good.Header.IsDeleted)
                {
                    index.Remove(good.Header.Key, good.Header.AlternateKey);
                }
                else
                {
                    index.Set(good.Header.Key, good.Header.AlternateKey, new NeedleLocation(position, good.Length));
                }

                position += good.Length;
                continue;
            }

            if (await AnyGoodNeedleAfterAsync(handle, position + NeedleFormat.Alignment, length, header, options, cancellationToken) is { } later)
            {
                throw new CorruptDataException(fileName, position, $"a damaged needle is followed by a good one at offset {later}, so this is not a torn write");
            }

            Log.TornTail(logger, fileName, position, length - position);
            await handle.SetLengthAsync(position, cancellationToken);
            await handle.FlushAsync(cancellationToken);
            return position;
        }

        return position;
    }

    private static async Task<(NeedleHeader Header, int Length)?> TryReadNeedleAsync(IStorageFile handle, long position, long length, byte[] header, VolumeOptions options, CancellationToken cancellationToken)
    {
        if (length - position < NeedleFormat.HeaderBytes
            || await handle.ReadAsync(position, header, cancellationToken) != header.Length
            || NeedleFormat.TryReadHeader(header, tolerateTornFlags: true) is not { } parsed
            || parsed.DataSize > options.MaxNeedleDataBytes)
        {
            return null;
        }

        var needleBytes = (int)NeedleFormat.NeedleBytes(parsed.DataSize);
        if (position + needleBytes > length)
        {
            return null;
        }

        var buffer = new byte[needleBytes];
        if (await handle.ReadAsync(position, buffer, cancellationToken) != buffer.Length)
        {
            return null;
        }

        return NeedleFormat.Verify(buffer, out _, tolerateTornFlags: true) is { } verified ? (verified, needleBytes) : null;
    }

    private static async Task<long?> AnyGoodNeedleAfterAsync(IStorageFile handle, long from, long length, byte[] header, VolumeOptions options, CancellationToken cancellationToken)
    {
        // Look for the header magic at every aligned offset, reading in chunks; verify candidates whole.
        var chunk = new byte[ScanChunkBytes];
        for (var start = from; start < length; start += ScanChunkBytes)
        {
            var read = await handle.ReadAsync(start, chunk, cancellationToken);
            for (var i = 0; i + 4 <= read; i += NeedleFormat.Alignment)
            {
                if (System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(i)) == NeedleFormat.HeaderMagic
                    && await TryReadNeedleAsync(handle, start + i, length, header, options, cancellationToken) is not null)
                {
                    return start + i;
                }
            }
        }

        return null;
    }
}
