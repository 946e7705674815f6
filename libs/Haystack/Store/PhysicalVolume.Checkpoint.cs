using System.Buffers.Binary;
using Cluster.Core;
using Microsoft.Extensions.Logging;

namespace Haystack;

public sealed partial class PhysicalVolume
{
    // Index file: header, then one 24-byte record per live needle, then a CRC-32C of everything before it.
    //   0 u64 magic  8 u16 version  10 u16 reserved  12 u32 volume id  16 u32 generation
    //  20 u32 reserved  24 u64 covered end  32 u64 entry count  40 records...
    //  record: u64 key, u32 alternate key, u32 length, u64 offset
    private const ulong IndexMagic = 0x5844_4E49_4B43_5448; // "HTCKINDX"
    private const ushort IndexVersion = 1;
    private const int IndexHeaderBytes = 40;
    private const int IndexRecordBytes = 24;

    private int _checkpointRunning;

    /// <summary>
    /// Writes the index to its side file (temporary file, fsync, atomic rename, directory sync) so the
    /// next open re-indexes only the needles written after it.
    /// </summary>
    public async Task CheckpointIndexAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await WriteCheckpointAsync(cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private void MaybeCheckpoint()
    {
        if (_options.CheckpointIntervalNeedles == 0
            || Volatile.Read(ref _changesSinceCheckpoint) < _options.CheckpointIntervalNeedles
            || Interlocked.Exchange(ref _checkpointRunning, 1) != 0)
        {
            return;
        }

        _ = CheckpointInBackgroundAsync();
    }

    private async Task CheckpointInBackgroundAsync()
    {
        try
        {
            // Yield first so the write that triggered the checkpoint is acknowledged without waiting for it.
            await Task.Yield();
            if (_disposed == 0)
            {
                await CheckpointIndexAsync();
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            Log.CheckpointFailed(_logger, ex, VolumeId);
        }
        finally
        {
            Volatile.Write(ref _checkpointRunning, 0);
        }
    }

    /// <summary>Writes the checkpoint; the caller holds the write gate, so the index and the durable end agree.</summary>
    private async Task WriteCheckpointAsync(CancellationToken cancellationToken)
    {
        await FlushThroughAsync(_appendedEnd, cancellationToken);
        byte[] content;
        lock (_indexLock)
        {
            var count = _index.Count;
            content = new byte[IndexHeaderBytes + ((long)count * IndexRecordBytes) + 4];
            var span = content.AsSpan();
            BinaryPrimitives.WriteUInt64LittleEndian(span, IndexMagic);
            BinaryPrimitives.WriteUInt16LittleEndian(span[8..], IndexVersion);
            BinaryPrimitives.WriteUInt32LittleEndian(span[12..], VolumeId);
            BinaryPrimitives.WriteUInt32LittleEndian(span[16..], _generation);
            BinaryPrimitives.WriteInt64LittleEndian(span[24..], _durableEnd);
            BinaryPrimitives.WriteInt64LittleEndian(span[32..], count);
            var position = IndexHeaderBytes;
            foreach (var (key, alternate, location) in _index.Entries())
            {
                BinaryPrimitives.WriteUInt64LittleEndian(span[position..], key);
                BinaryPrimitives.WriteUInt32LittleEndian(span[(position + 8)..], alternate);
                BinaryPrimitives.WriteInt32LittleEndian(span[(position + 12)..], location.Length);
                BinaryPrimitives.WriteInt64LittleEndian(span[(position + 16)..], location.Offset);
                position += IndexRecordBytes;
            }

            Invariant.Check(position == content.Length - 4, "The index enumerates exactly Count entries.");
            BinaryPrimitives.WriteUInt32LittleEndian(span[position..], Crc32C.Compute(span[..position]));
            _changesSinceCheckpoint = 0;
        }

        var temporary = IndexFileName(VolumeId) + ".tmp";
        var file = await _storage.OpenAsync(temporary, StorageOpenMode.Truncate, cancellationToken);
        await using (file)
        {
            await file.WriteAsync(0, content, cancellationToken);
            await file.FlushAsync(cancellationToken);
        }

        await _storage.RenameAsync(temporary, IndexFileName(VolumeId), cancellationToken);
        await _storage.SyncDirectoryAsync(cancellationToken);
    }

    /// <summary>Loads a checkpoint into <paramref name="index"/>; returns where the scan must resume, or null to scan everything.</summary>
    private static async Task<long?> LoadCheckpointAsync(IFileStorage storage, uint volumeId, uint generation, long volumeLength, NeedleIndex index, ILogger logger, CancellationToken cancellationToken)
    {
        var name = IndexFileName(volumeId);
        if (!storage.Exists(name))
        {
            return null;
        }

        byte[] content;
        var file = await storage.OpenAsync(name, StorageOpenMode.OpenExisting, cancellationToken);
        await using (file)
        {
            if (file.Length is < IndexHeaderBytes + 4 or > int.MaxValue)
            {
                Log.CheckpointIgnored(logger, volumeId, "it has an impossible length");
                return null;
            }

            content = new byte[file.Length];
            if (await file.ReadAsync(0, content, cancellationToken) != content.Length)
            {
                Log.CheckpointIgnored(logger, volumeId, "it could not be read whole");
                return null;
            }
        }

        // The checkpoint only saves time: whatever is wrong with it, the volume itself is the truth.
        var span = content.AsSpan();
        var body = span[..^4];
        string? problem =
            BinaryPrimitives.ReadUInt64LittleEndian(span) != IndexMagic ? "its magic number is wrong"
            : BinaryPrimitives.ReadUInt32LittleEndian(span[^4..]) != Crc32C.Compute(body) ? "its checksum does not match"
            : BinaryPrimitives.ReadUInt16LittleEndian(span[8..]) != IndexVersion ? "its format version is unknown"
            : BinaryPrimitives.ReadUInt32LittleEndian(span[12..]) != volumeId ? "it belongs to another volume"
            : BinaryPrimitives.ReadUInt32LittleEndian(span[16..]) != generation ? "it predates the last compaction"
            : null;
        var coveredEnd = problem is null ? BinaryPrimitives.ReadInt64LittleEndian(span[24..]) : 0;
        var count = problem is null ? BinaryPrimitives.ReadInt64LittleEndian(span[32..]) : 0;
        problem ??= coveredEnd < NeedleFormat.SuperblockBytes || coveredEnd > volumeLength ? "it covers more than the volume holds"
            : count * IndexRecordBytes != body.Length - IndexHeaderBytes ? "its entry count does not match its length"
            : null;
        if (problem is not null)
        {
            Log.CheckpointIgnored(logger, volumeId, problem);
            return null;
        }

        for (var position = IndexHeaderBytes; position < body.Length; position += IndexRecordBytes)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(span[(position + 12)..]);
            var offset = BinaryPrimitives.ReadInt64LittleEndian(span[(position + 16)..]);
            if (offset < NeedleFormat.SuperblockBytes || offset + length > coveredEnd || length <= 0 || length % NeedleFormat.Alignment != 0)
            {
                Log.CheckpointIgnored(logger, volumeId, "an entry points outside the covered volume");
                index.Clear();
                return null;
            }

            index.Set(BinaryPrimitives.ReadUInt64LittleEndian(span[position..]), BinaryPrimitives.ReadUInt32LittleEndian(span[(position + 8)..]), new NeedleLocation(offset, length));
        }

        return coveredEnd;
    }
}
