using Cluster.Core;

namespace Haystack;

public sealed partial class PhysicalVolume
{
    private List<(ulong Key, uint AlternateKey, long Offset)>? _deletedDuringCompaction;

    /// <summary>
    /// Copies the live needles to a new file while the volume keeps serving, then swaps the new file in
    /// atomically. Deletes and writes that arrive meanwhile are carried over; the old file's space is
    /// given back to the disk.
    /// </summary>
    /// <remarks>
    /// A crash or a full disk at any point loses nothing: until the rename the old file is the volume
    /// and the half-written copy is discarded on the next open; after it, the copy holds every live
    /// needle and its superblock's generation tells the open to ignore the old index checkpoint.
    /// </remarks>
    /// <exception cref="InvalidOperationException">A compaction is already running.</exception>
    /// <exception cref="ObjectDisposedException">The volume was closed before or during the compaction; the copy is discarded.</exception>
    /// <exception cref="NeedleCorruptException">A live needle failed its checks; the volume is left as it was.</exception>
    public async Task<CompactionResult> CompactAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        List<(ulong Key, uint AlternateKey, NeedleLocation Location)> live;
        long snapshotEnd;
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            if (_deletedDuringCompaction is not null)
            {
                throw new InvalidOperationException($"Volume {VolumeId} is already being compacted.");
            }

            await FlushThroughAsync(_appendedEnd, cancellationToken);
            lock (_indexLock)
            {
                live = _index.Entries().OrderBy(entry => entry.Location.Offset).ToList();
                snapshotEnd = _durableEnd;
                _deletedDuringCompaction = [];
            }
        }
        finally
        {
            _writeGate.Release();
        }

        var bytesBefore = snapshotEnd;
        var copyName = CompactFileName(VolumeId);
        IStorageFile? copy = null;
        var swapped = false;
        try
        {
            copy = await _storage.OpenAsync(copyName, StorageOpenMode.Truncate, cancellationToken);
            var superblock = new byte[NeedleFormat.SuperblockBytes];
            NeedleFormat.WriteSuperblock(superblock, VolumeId, _generation + 1);
            await copy.WriteAsync(0, superblock, cancellationToken);
            var newIndex = new NeedleIndex();
            var copiedFrom = new Dictionary<(ulong, uint), long>();
            foreach (var (key, alternate, location) in live)
            {
                var needle = await ReadVerifiedAsync(_file.Handle, location, cancellationToken);
                if (needle.Header.IsDeleted)
                {
                    continue;
                }

                var offset = await copy.AppendAsync(needle.Bytes, cancellationToken);
                newIndex.Set(key, alternate, new NeedleLocation(offset, location.Length));
                copiedFrom[(key, alternate)] = location.Offset;
            }

            await copy.FlushAsync(cancellationToken);

            // Now stop writers for the short final step: carry over what changed since the snapshot.
            await _writeGate.WaitAsync(cancellationToken);
            try
            {
                // A volume closed while the copy was made has retired its file: renaming the copy would bring it back.
                ObjectDisposedException.ThrowIf(_disposed != 0, this);
                await FlushThroughAsync(_appendedEnd, cancellationToken);
                await CarryOverDeletesAsync(copy, newIndex, copiedFrom, cancellationToken);
                await CarryOverTailAsync(copy, newIndex, snapshotEnd, cancellationToken);
                await copy.FlushAsync(cancellationToken);
                await copy.DisposeAsync();
                copy = null;

                await _storage.RenameAsync(copyName, DataFileName(VolumeId), cancellationToken);
                await _storage.SyncDirectoryAsync(cancellationToken);
                swapped = true;
                var reopened = await _storage.OpenAsync(DataFileName(VolumeId), StorageOpenMode.OpenExisting, StorageAccessPattern.Random, CancellationToken.None);
                newIndex.Merge();
                VolumeFile old;
                lock (_indexLock)
                {
                    old = _file;
                    _file = new VolumeFile(reopened);
                    _index = newIndex;
                    _generation++;
                    _appendedEnd = _durableEnd = reopened.Length;
                    _deletedDuringCompaction = null;
                }

                await old.RetireAsync();
                await WriteCheckpointAsync(cancellationToken);
                var result = new CompactionResult(bytesBefore, _appendedEnd, newIndex.Count);
                Log.Compacted(_logger, VolumeId, result.BytesBefore, result.BytesAfter, result.NeedlesCopied);
                return result;
            }
            finally
            {
                _writeGate.Release();
            }
        }
        finally
        {
            if (!swapped)
            {
                _deletedDuringCompaction = null;
                if (copy is not null)
                {
                    await copy.DisposeAsync();
                }

                // Give the half-written copy's space back now; the next open would remove it anyway.
                try
                {
                    await _storage.DeleteAsync(copyName, CancellationToken.None);
                    await _storage.SyncDirectoryAsync(CancellationToken.None);
                }
                catch (IOException ex)
                {
                    Log.CheckpointFailed(_logger, ex, VolumeId);
                }
            }
        }
    }

    private void RecordDeleteForCompaction(ulong key, uint alternateKey, NeedleLocation location)
    {
        lock (_indexLock)
        {
            _deletedDuringCompaction?.Add((key, alternateKey, location.Offset));
        }
    }

    /// <summary>Deletes acknowledged during the copy: mark the copied needle deleted if the copy took that very needle.</summary>
    private async Task CarryOverDeletesAsync(IStorageFile copy, NeedleIndex newIndex, Dictionary<(ulong, uint), long> copiedFrom, CancellationToken cancellationToken)
    {
        var flags = new byte[2];
        NeedleFormat.WriteFlags(flags, NeedleFormat.DeletedFlag);
        foreach (var (key, alternate, oldOffset) in _deletedDuringCompaction!)
        {
            if (copiedFrom.TryGetValue((key, alternate), out var copiedOffset) && copiedOffset == oldOffset
                && newIndex.TryGet(key, alternate, out var location))
            {
                await copy.WriteAsync(location.Offset + NeedleFormat.FlagsOffset, flags, cancellationToken);
                newIndex.Remove(key, alternate);
            }
        }
    }

    /// <summary>Needles appended after the snapshot, in file order, so the newest write or delete of a key wins.</summary>
    private async Task CarryOverTailAsync(IStorageFile copy, NeedleIndex newIndex, long from, CancellationToken cancellationToken)
    {
        var position = from;
        var header = new byte[NeedleFormat.HeaderBytes];
        while (position < _durableEnd)
        {
            var needle = await TryReadNeedleAsync(_file.Handle, position, _durableEnd, header, _options, cancellationToken)
                ?? throw ReportCorruption(position, "a needle appended during compaction failed its checks");
            if (needle.Header.IsDeleted)
            {
                newIndex.Remove(needle.Header.Key, needle.Header.AlternateKey);
            }
            else
            {
                var bytes = new byte[needle.Length];
                await _file.Handle.ReadAsync(position, bytes, cancellationToken);
                var offset = await copy.AppendAsync(bytes, cancellationToken);
                newIndex.Set(needle.Header.Key, needle.Header.AlternateKey, new NeedleLocation(offset, needle.Length));
            }

            position += needle.Length;
        }
    }

    private async Task<(NeedleHeader Header, byte[] Bytes)> ReadVerifiedAsync(IStorageFile file, NeedleLocation location, CancellationToken cancellationToken)
    {
        var bytes = new byte[location.Length];
        var read = await file.ReadAsync(location.Offset, bytes, cancellationToken);
        string? reason = null;
        var header = read == bytes.Length ? NeedleFormat.Verify(bytes, out reason) : null;
        return header is { } good ? (good, bytes) : throw ReportCorruption(location.Offset, reason ?? "short read");
    }
}
