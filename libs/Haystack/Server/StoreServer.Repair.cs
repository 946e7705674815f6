using Cluster.Core;

namespace Haystack;

public sealed partial class StoreServer
{
    /// <summary>How many catch-up passes one repair runs at most before it reports (each pass after the first is cheap).</summary>
    private const int MaxRepairPasses = 3;

    private Dictionary<uint, NodeId> _repairOrders = [];
    private HashSet<(uint VolumeId, NodeId Target)> _copyGrants = [];
    private readonly Dictionary<uint, List<StoreDeleteRequest>> _deletesDuringRepair = [];
    private Task? _repairLoop;

    /// <summary>Takes the Directory's repair orders and copy grants from a heartbeat, and starts the repair loop if it idles.</summary>
    private void ApplyRepairOrders(IReadOnlyList<RepairOrder> orders, IReadOnlyList<CopyGrant> grants)
    {
        lock (_gate)
        {
            _repairOrders = orders.ToDictionary(o => o.VolumeId, o => o.Source);
            _copyGrants = [.. grants.Select(g => (g.VolumeId, g.Target))];
            foreach (var volumeId in _deletesDuringRepair.Keys.Where(v => !_repairOrders.ContainsKey(v)).ToList())
            {
                _deletesDuringRepair.Remove(volumeId);
            }

            if (_repairOrders.Count > 0 && _repairLoop is null && Volatile.Read(ref _disposed) == 0)
            {
                _repairLoop = RepairLoopAsync();
            }
        }
    }

    /// <summary>
    /// Runs the ordered repairs one at a time: one loop per Store bounds the disk and network a repair takes from serving.
    /// A repair that fails (source unreachable, a copy refused) is tried again after a heartbeat interval, with whatever
    /// source the Directory names by then.
    /// </summary>
    private async Task RepairLoopAsync()
    {
        // Leave the heartbeat that started the loop first.
        await Task.Yield();
        var token = _shutdown.Token;
        while (!token.IsCancellationRequested)
        {
            (uint VolumeId, NodeId Source) next;
            lock (_gate)
            {
                if (_repairOrders.Count == 0)
                {
                    _repairLoop = null;
                    return;
                }

                var volumeId = _repairOrders.Keys.Min();
                next = (volumeId, _repairOrders[volumeId]);
            }

            try
            {
                if (await RepairAsync(next.VolumeId, next.Source, token))
                {
                    lock (_gate)
                    {
                        if (_repairOrders.TryGetValue(next.VolumeId, out var source) && source == next.Source)
                        {
                            _repairOrders.Remove(next.VolumeId);
                            _deletesDuringRepair.Remove(next.VolumeId);
                        }
                    }

                    continue;
                }
            }
            catch (RepairFailedException exception) when (exception.Waiting)
            {
                Log.RepairWaiting(_logger, Id, next.VolumeId, next.Source);
            }
            catch (Exception exception) when (exception is RepairFailedException or TimeoutException or IOException or InvalidOperationException or ObjectDisposedException or ArgumentException)
            {
                Log.RepairFailed(_logger, exception, Id, next.VolumeId, next.Source);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }

            try
            {
                await Task.Delay(_options.HeartbeatInterval, _time, token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        lock (_gate)
        {
            _repairLoop = null;
        }
    }

    private async Task StopRepairsAsync()
    {
        Task? loop;
        lock (_gate)
        {
            loop = _repairLoop;
        }

        if (loop is not null)
        {
            await loop;
        }
    }

    /// <summary>
    /// Rebuilds this Store's replica of <paramref name="volumeId"/> from <paramref name="source"/>: walks both needle lists in
    /// key order, copies what is missing or fails its checks here, deletes what the source no longer holds, and reports to
    /// the Directory. Returns whether the Directory took the report.
    /// </summary>
    private async Task<bool> RepairAsync(uint volumeId, NodeId source, CancellationToken cancellationToken)
    {
        Log.RepairStarted(_logger, Id, volumeId, source);
        var volume = await OpenForRepairAsync(volumeId, cancellationToken);
        var total = new RepairCounts();
        for (var pass = 0; pass < MaxRepairPasses; pass++)
        {
            // The first pass also checks every needle held here; later ones only pick up deletes made during the first.
            var counts = await CatchUpAsync(volume, source, verifyLocal: pass == 0, cancellationToken);
            total = total.Add(counts);
            if (counts.Changes == 0)
            {
                break;
            }
        }

        if (total.Replaced > 0)
        {
            // The damaged copies are superseded but still in the file; compaction leaves them behind, so a later recovery
            // scan does not trip over them.
            await volume.CompactAsync(cancellationToken);
        }

        var accepted = await _directory.CompleteRepairAsync(volumeId, Id, source, cancellationToken);
        Log.RepairCompleted(_logger, Id, volumeId, source, total.Copied, total.Replaced, total.Deleted, accepted);
        return accepted;
    }

    private async Task<PhysicalVolume> OpenForRepairAsync(uint volumeId, CancellationToken cancellationToken)
    {
        if (Volume(volumeId) is { } open)
        {
            return open;
        }

        var options = OptionsFor(volumeId, _options.CheckpointIntervalNeedles, Interlocked.Read(ref _volumeBytes));
        PhysicalVolume? volume = null;
        if (_storage.Exists(PhysicalVolume.DataFileName(volumeId)))
        {
            try
            {
                volume = await PhysicalVolume.OpenAsync(_storage, volumeId, options, _loggerFactory, cancellationToken);
            }
            catch (CorruptDataException exception)
            {
                // The Directory has a healthy replica to rebuild from; the damaged file has nothing it lacks.
                Log.VolumeUnreadable(_logger, exception, Id, volumeId);
                await DeleteVolumeFilesAsync(volumeId, cancellationToken);
            }
        }

        volume ??= await PhysicalVolume.CreateAsync(_storage, volumeId, options, _loggerFactory, cancellationToken);
        lock (_gate)
        {
            if (_volumes.TryGetValue(volumeId, out var raced))
            {
                _ = volume.DisposeAsync().AsTask();
                return raced;
            }

            _volumes[volumeId] = volume;
        }

        return volume;
    }

    /// <summary>One pass over the source's list, merged with this replica's.</summary>
    private async Task<RepairCounts> CatchUpAsync(PhysicalVolume volume, NodeId source, bool verifyLocal, CancellationToken cancellationToken)
    {
        var local = volume.ListNeedles();
        var next = 0;
        var counts = new RepairCounts();
        var batch = new List<NeedleEntry>();
        var batchBytes = 0L;
        var request = new StoreListRequest { VolumeId = volume.VolumeId, MaxEntries = _options.RepairListEntries };
        while (true)
        {
            var page = await AskSourceAsync<StoreListResponse>(volume.VolumeId, source, request, cancellationToken);
            if (page.Status != StoreStatus.Ok)
            {
                throw new RepairFailedException(volume.VolumeId, source, $"{page.Status}: {page.Message}", waiting: page.Status == StoreStatus.Unavailable);
            }

            foreach (var entry in page.Entries)
            {
                // Needles held here that sort before the source's next one are gone from the source: deleted while this
                // replica was away, or orphans of uploads that were never acknowledged.
                while (next < local.Count && Compare(local[next].Key, local[next].AlternateKey, entry) < 0)
                {
                    counts.Deleted += await volume.DeleteAsync(local[next].Key, local[next].AlternateKey, cancellationToken) ? 1 : 0;
                    next++;
                }

                var heldHere = next < local.Count && Compare(local[next].Key, local[next].AlternateKey, entry) == 0;
                next += heldHere ? 1 : 0;
                var damaged = heldHere && verifyLocal && !await IsIntactAsync(volume, entry, cancellationToken);
                if (heldHere && !damaged)
                {
                    continue;
                }

                counts.Replaced += damaged ? 1 : 0;
                if (batch.Count > 0 && batchBytes + entry.Bytes > _options.RepairBatchBytes)
                {
                    counts.Copied += await CopyAsync(volume, source, batch, cancellationToken);
                    batch.Clear();
                    batchBytes = 0;
                }

                batch.Add(entry);
                batchBytes += entry.Bytes;
            }

            if (page.Complete || page.Entries.Count == 0)
            {
                break;
            }

            var last = page.Entries[^1];
            request = request with { HasCursor = true, AfterKey = last.Key, AfterAlternateKey = last.AlternateKey };
        }

        for (; next < local.Count; next++)
        {
            counts.Deleted += await volume.DeleteAsync(local[next].Key, local[next].AlternateKey, cancellationToken) ? 1 : 0;
        }

        if (batch.Count > 0)
        {
            counts.Copied += await CopyAsync(volume, source, batch, cancellationToken);
        }

        return counts;
    }

    /// <summary>Fetches whole needles from the source, checks each, and appends them here; returns how many were written.</summary>
    private async Task<int> CopyAsync(PhysicalVolume volume, NodeId source, List<NeedleEntry> batch, CancellationToken cancellationToken)
    {
        var answer = await AskSourceAsync<StoreResponse>(volume.VolumeId, source, new StoreCopyRequest { VolumeId = volume.VolumeId, Needles = [.. batch] }, cancellationToken);
        if (answer.Status != StoreStatus.Ok)
        {
            throw new RepairFailedException(volume.VolumeId, source, $"{answer.Status}: {answer.Message}", waiting: answer.Status == StoreStatus.Unavailable);
        }

        // Every needle is checked as it arrives, exactly as a read checks it: a repair never spreads damage.
        var needles = new List<(NeedleHeader Header, ReadOnlyMemory<byte> Bytes)>();
        var data = answer.Data;
        while (!data.IsEmpty)
        {
            var header = NeedleFormat.TryReadHeader(data.Span);
            var length = header is { } parsed ? NeedleFormat.NeedleBytes(parsed.DataSize) : long.MaxValue;
            if (header is null || length > data.Length || NeedleFormat.Verify(data.Span[..(int)length], out _) is not { IsDeleted: false } verified)
            {
                throw new RepairFailedException(volume.VolumeId, source, "a copied needle failed its checks");
            }

            needles.Add((verified, data[..(int)length]));
            data = data[(int)length..];
        }

        // Written together, so the volume's group commit covers the batch with one fsync.
        await Task.WhenAll(needles.Select(n => volume.WriteNeedleAsync(n.Header, n.Bytes, cancellationToken)));
        foreach (var (header, _) in needles)
        {
            await ApplyDeletesDuringRepairAsync(volume, header, cancellationToken);
        }

        return needles.Count;
    }

    /// <summary>A delete that reached this replica during its repair, before the repair copied the needle, applies to the copy.</summary>
    private async Task ApplyDeletesDuringRepairAsync(PhysicalVolume volume, NeedleHeader copied, CancellationToken cancellationToken)
    {
        bool deleted;
        lock (_gate)
        {
            // The cookie must match, as for any delete: a delete with a wrong cookie, refused by the source, must not remove
            // the copy here.
            deleted = _deletesDuringRepair.TryGetValue(volume.VolumeId, out var deletes)
                && deletes.Exists(d => d.Key == copied.Key && d.AlternateKey == copied.AlternateKey && d.Cookie == copied.Cookie);
        }

        if (deleted)
        {
            await volume.DeleteAsync(copied.Key, copied.AlternateKey, cancellationToken);
        }
    }

    private void RecordDeleteDuringRepair(StoreDeleteRequest request)
    {
        lock (_gate)
        {
            if (!_deletesDuringRepair.TryGetValue(request.VolumeId, out var deletes))
            {
                deletes = [];
                _deletesDuringRepair[request.VolumeId] = deletes;
            }

            // Bounded like every queue: past the bound the repair's later passes still pick up deletes from the source.
            if (deletes.Count < _options.RepairListEntries)
            {
                deletes.Add(request);
            }
        }
    }

    private static async Task<bool> IsIntactAsync(PhysicalVolume volume, NeedleEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            return await volume.ReadNeedleAsync(entry.Key, entry.AlternateKey, report: false, cancellationToken) is not null;
        }
        catch (NeedleCorruptException)
        {
            return false;
        }
    }

    private static int Compare(ulong key, uint alternateKey, NeedleEntry entry) =>
        key != entry.Key ? key.CompareTo(entry.Key) : alternateKey.CompareTo(entry.AlternateKey);

    private async Task<T> AskSourceAsync<T>(uint volumeId, NodeId source, object request, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await _bus.RequestAsync<T>(source, request, _options.RepairRequestTimeout, cancellationToken);
        }
        catch (Exception exception) when (exception is RpcTimeoutException or UnknownPeerException or RpcOverloadException or RemoteRpcException)
        {
            throw new RepairFailedException(volumeId, source, exception.Message);
        }
    }

    /// <summary>Answers a repair's listing, for the Stores the Directory granted it to.</summary>
    private ValueTask<StoreListResponse> HandleListAsync(NodeId from, StoreListRequest request, CancellationToken cancellationToken)
    {
        if (Refusal(from, request.VolumeId) is { } refused)
        {
            return ValueTask.FromResult(new StoreListResponse { Status = refused.Status, Message = refused.Message });
        }

        var needles = Volume(request.VolumeId)!.ListNeedles();
        var start = 0;
        if (request.HasCursor)
        {
            var cursor = new NeedleEntry { Key = request.AfterKey, AlternateKey = request.AfterAlternateKey };
            start = needles.FindIndex(n => Compare(n.Key, n.AlternateKey, cursor) > 0);
            start = start < 0 ? needles.Count : start;
        }

        var count = Math.Min(needles.Count - start, Math.Clamp(request.MaxEntries, 1, _options.RepairListEntries));
        return ValueTask.FromResult(new StoreListResponse
        {
            Status = StoreStatus.Ok,
            Entries = [.. needles.GetRange(start, count).Select(n => new NeedleEntry { Key = n.Key, AlternateKey = n.AlternateKey, Bytes = n.Length })],
            Complete = start + count >= needles.Count,
        });
    }

    /// <summary>Answers a repair's copy request with whole verified needles, for the Stores the Directory granted it to.</summary>
    private async ValueTask<StoreResponse> HandleCopyAsync(NodeId from, StoreCopyRequest request, CancellationToken cancellationToken)
    {
        if (Refusal(from, request.VolumeId) is { } refused)
        {
            return refused;
        }

        if (request.Needles.Count > StoreServerOptions.MaxRepairListEntries)
        {
            return new StoreResponse { Status = StoreStatus.TooLarge, Message = $"A copy request names at most {StoreServerOptions.MaxRepairListEntries} needles." };
        }

        var volume = Volume(request.VolumeId)!;
        var needles = new List<byte[]>();
        var bytes = 0L;
        try
        {
            foreach (var entry in request.Needles)
            {
                if (await volume.ReadNeedleAsync(entry.Key, entry.AlternateKey, report: true, cancellationToken) is not { } needle)
                {
                    continue;
                }

                bytes += needle.Length;
                if (needles.Count > 0 && bytes > StoreServerOptions.MaxRepairBatchBytes)
                {
                    return new StoreResponse { Status = StoreStatus.TooLarge, Message = $"A copy batch holds at most {StoreServerOptions.MaxRepairBatchBytes} bytes (or one needle)." };
                }

                needles.Add(needle);
            }
        }
        catch (NeedleCorruptException exception)
        {
            // Reported to the Directory by the volume; the target waits for a healthy source.
            return new StoreResponse { Status = StoreStatus.Corrupt, Message = exception.Message };
        }

        var data = new byte[bytes];
        var offset = 0;
        foreach (var needle in needles)
        {
            needle.CopyTo(data, offset);
            offset += needle.Length;
        }

        return new StoreResponse { Status = StoreStatus.Ok, Data = data };
    }

    /// <summary>Why a copy or listing for <paramref name="from"/> is refused, or null when it may go ahead.</summary>
    private StoreResponse? Refusal(NodeId from, uint volumeId)
    {
        lock (_gate)
        {
            // Copies carry no cookie check, so only the Store the Directory named as the repair's target gets them. The target
            // usually hears of its repair a heartbeat before this Store does, hence "unavailable": ask again later.
            if (!_copyGrants.Contains((volumeId, from)))
            {
                return new StoreResponse { Status = StoreStatus.Unavailable, Message = $"{Id} has not been told to serve a repair of volume {volumeId} to {from}." };
            }

            return _volumes.ContainsKey(volumeId) ? null : Unknown(volumeId);
        }
    }

    /// <summary>Closes and deletes the physical volumes another Store has taken over.</summary>
    private async Task RetireVolumesAsync(IReadOnlyList<uint> volumeIds)
    {
        foreach (var volumeId in volumeIds)
        {
            PhysicalVolume? volume;
            lock (_gate)
            {
                if (_repairOrders.ContainsKey(volumeId) || !_volumes.Remove(volumeId, out volume))
                {
                    continue;
                }
            }

            await WaitForCompactionOfAsync(volumeId);
            await volume.DisposeAsync();
            await DeleteVolumeFilesAsync(volumeId, CancellationToken.None);
            Log.VolumeRetired(_logger, Id, volumeId);
        }
    }

    private async Task DeleteVolumeFilesAsync(uint volumeId, CancellationToken cancellationToken)
    {
        foreach (var name in new[] { PhysicalVolume.DataFileName(volumeId), PhysicalVolume.IndexFileName(volumeId) })
        {
            if (_storage.Exists(name))
            {
                await _storage.DeleteAsync(name, cancellationToken);
            }
        }

        await _storage.SyncDirectoryAsync(cancellationToken);
    }

    /// <summary>What a repair pass did.</summary>
    private sealed class RepairCounts
    {
        public int Copied { get; set; }

        public int Replaced { get; set; }

        public int Deleted { get; set; }

        public int Changes => Copied + Deleted;

        public RepairCounts Add(RepairCounts other) =>
            new() { Copied = Copied + other.Copied, Replaced = Replaced + other.Replaced, Deleted = Deleted + other.Deleted };
    }
}
