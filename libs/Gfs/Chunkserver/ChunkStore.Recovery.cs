using System.Globalization;
using Cluster.Core;

namespace Gfs;

public sealed partial class ChunkStore
{
    /// <summary>
    /// Finds every chunk under the prefix and recovers it; removes leftovers of creates, deletes and journal rewrites a crash
    /// interrupted; ends with one folder sync so those removals and any recreated empty data file are durable.
    /// </summary>
    private async Task RecoverAllAsync(CancellationToken cancellationToken)
    {
        var found = new SortedDictionary<ulong, (bool Data, bool Journal)>();
        foreach (var name in _storage.List(_options.FilePrefix))
        {
            if (!ChunkFileNames.TryParse(_options.FilePrefix, name, out var handle, out var suffix))
            {
                continue;
            }

            found.TryGetValue(handle, out var files);
            found[handle] = suffix switch
            {
                ChunkFileNames.DataSuffix => files with { Data = true },
                ChunkFileNames.JournalSuffix => files with { Journal = true },
                _ => files,
            };
        }

        var corrupt = 0;
        foreach (var (handle, files) in found)
        {
            var chunk = NewChunk(handle);
            if (!files.Journal)
            {
                // No journal: a delete that removed it before the data file, or a create that never wrote it. Never acknowledged as a chunk.
                await DeleteLeftoverAsync(chunk.DataName, cancellationToken);
                await DeleteLeftoverAsync(chunk.TemporaryName, cancellationToken);
                continue;
            }

            if (!await LoadAsync(chunk, atOpen: true, cancellationToken))
            {
                await CloseFilesAsync(chunk);
                Log.UnfinishedCreateDiscarded(_logger, handle);
                await DeleteLeftoverAsync(chunk.JournalName, cancellationToken);
                await DeleteLeftoverAsync(chunk.DataName, cancellationToken);
                continue;
            }

            chunk.Ready = true;
            corrupt += chunk.IsCorrupt ? 1 : 0;
            chunk.Info = chunk.Describe();
            _chunks.Add(handle, chunk);
        }

        await _storage.SyncDirectoryAsync(cancellationToken);
        Log.StoreOpened(_logger, _storage.Location, _chunks.Count, corrupt);
    }

    private async Task DeleteLeftoverAsync(string name, CancellationToken cancellationToken)
    {
        if (_storage.Exists(name))
        {
            await _storage.DeleteAsync(name, cancellationToken);
            Log.LeftoverDeleted(_logger, name);
        }
    }

    /// <summary>
    /// Reloads a chunk whose last operation failed midway, exactly as recovery after a crash would, then syncs the folder: a
    /// journal rewrite may have failed after its rename, and no record may be acknowledged on a journal whose name is not durable.
    /// </summary>
    private async Task ReloadAsync(StoredChunk chunk, CancellationToken cancellationToken)
    {
        chunk.ClearCorruption();
        await LoadAsync(chunk, atOpen: false, cancellationToken);
        await _storage.SyncDirectoryAsync(cancellationToken);
        chunk.NeedsReload = false;
        Publish(chunk);
    }

    /// <summary>
    /// Opens a chunk's files and rebuilds its state from the journal: cuts a torn tail off the journal, writes the last redo
    /// record's data again, and cuts the data file to the durable length. Damage that a crash cannot explain marks the chunk
    /// corrupt and leaves its files as they are, for an operator to look at.
    /// </summary>
    /// <returns>False when, at open, the journal holds no record and the data file no byte: a create that never finished.</returns>
    private async Task<bool> LoadAsync(StoredChunk chunk, bool atOpen, CancellationToken cancellationToken)
    {
        await CloseFilesAsync(chunk);
        if (_storage.Exists(chunk.TemporaryName))
        {
            // A journal rewrite that did not reach its rename; the journal itself is complete without it.
            await DeleteLeftoverAsync(chunk.TemporaryName, cancellationToken);
        }

        chunk.Journal = await _storage.OpenAsync(chunk.JournalName, StorageOpenMode.OpenExisting, cancellationToken);
        if (_storage.Exists(chunk.DataName))
        {
            chunk.Data = await _storage.OpenAsync(chunk.DataName, StorageOpenMode.OpenExisting, cancellationToken);
        }

        var scan = await JournalFormat.ScanAsync(chunk.Journal, chunk.Handle, _options.ChunkSizeBytes, cancellationToken);
        chunk.Version = scan.Version;
        chunk.Length = scan.Length;
        chunk.SetCrcs(scan.Crcs);
        chunk.JournalEnd = scan.ValidEnd;
        if (scan.DamageOffset >= 0)
        {
            Log.JournalDamaged(_logger, chunk.Handle, chunk.JournalName, scan.DamageOffset, scan.DamageReason!);
            chunk.MarkCorrupt(-1, chunk.JournalName, string.Create(CultureInfo.InvariantCulture, $"damaged at offset {scan.DamageOffset}: {scan.DamageReason}"));
            return true;
        }

        if (scan.Records == 0)
        {
            // The first record is written and fsynced before a create is acknowledged, so a journal without one belongs to a create
            // that never finished, unless data was written, which only an acknowledged chunk can have.
            if (atOpen && (chunk.Data?.Length ?? 0) == 0)
            {
                return false;
            }

            chunk.MarkCorrupt(-1, chunk.JournalName, "the journal holds no valid record, yet the chunk has data");
            return true;
        }

        if (scan.TornBytes > 0)
        {
            await chunk.Journal.SetLengthAsync(scan.ValidEnd, cancellationToken);
            await chunk.Journal.FlushAsync(cancellationToken);
            Log.JournalTailCut(_logger, chunk.Handle, scan.TornBytes, chunk.JournalName);
        }

        if (scan.CorruptBlock >= 0)
        {
            chunk.MarkCorrupt(scan.CorruptBlock, chunk.DataName, "marked corrupt before the last restart");
        }

        await RepairDataAsync(chunk, scan.LastRecord!, cancellationToken);
        return true;
    }

    /// <summary>Brings the data file to the journal's state: the last overwrite written again, nothing past the durable length.</summary>
    private async Task RepairDataAsync(StoredChunk chunk, JournalRecord last, CancellationToken cancellationToken)
    {
        if (chunk.Data is null)
        {
            if (chunk.Length > 0)
            {
                Log.DataMissing(_logger, chunk.Handle, chunk.DataName, chunk.Length);
                chunk.MarkCorrupt(0, chunk.DataName, "the data file is missing");
                return;
            }

            // An empty chunk whose data file's creation was lost; the caller's folder sync makes the new one durable.
            chunk.Data = await _storage.OpenAsync(chunk.DataName, StorageOpenMode.OpenOrCreate, cancellationToken);
        }

        var data = chunk.Data;
        var changed = false;
        if (last.HasRedo)
        {
            // The data of the last overwrite may not have reached the disk before the crash; the record holds all of it.
            await data.WriteAsync(last.RedoOffset, last.Redo, cancellationToken);
            Log.RedoReplayed(_logger, chunk.Handle, last.RedoOffset, last.Redo.Length);
            changed = true;
        }

        if (data.Length > chunk.Length)
        {
            Log.UnacknowledgedDataCut(_logger, chunk.Handle, data.Length - chunk.Length, chunk.Length);
            await data.SetLengthAsync(chunk.Length, cancellationToken);
            changed = true;
        }
        else if (data.Length < chunk.Length)
        {
            Log.DataMissing(_logger, chunk.Handle, chunk.DataName, chunk.Length);
            chunk.MarkCorrupt(data.Length / BlockSize, chunk.DataName, string.Create(CultureInfo.InvariantCulture, $"the data file holds {data.Length} of {chunk.Length} acknowledged bytes"));
        }

        if (changed)
        {
            await data.FlushAsync(cancellationToken);
        }
    }
}
