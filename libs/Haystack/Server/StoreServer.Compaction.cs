using Cluster.Core;

namespace Haystack;

public sealed partial class StoreServer
{
    private Task? _compaction;
    private uint _compactingVolumeId;
    private long _nextCompactionTimestamp;
    private int _compactions;

    /// <summary>How many automatic compactions this Store has finished.</summary>
    public int CompactionsCompleted => Volatile.Read(ref _compactions);

    /// <summary>
    /// Starts compacting the volume with the most reclaimable bytes, if one passes both thresholds, no compaction is running
    /// here, and the pause after the last one is over. Called after every heartbeat.
    /// </summary>
    /// <remarks>
    /// One at a time per Store, with <see cref="StoreServerOptions.CompactionPause"/> between them, so serving keeps most
    /// of the disk. Volumes under repair are left alone: the repair compacts what it patched, and two compactions of one
    /// volume cannot run together. Each replica decides for itself; replicas need not be byte-identical.
    /// </remarks>
    private void MaybeStartCompaction()
    {
        if (Volatile.Read(ref _disposed) != 0 || (_compaction is { IsCompleted: false }) || _time.GetTimestamp() < Interlocked.Read(ref _nextCompactionTimestamp))
        {
            return;
        }

        PhysicalVolume? chosen = null;
        long chosenBytes = 0;
        lock (_gate)
        {
            foreach (var volume in _volumes.Values)
            {
                if (_repairOrders.ContainsKey(volume.VolumeId))
                {
                    continue;
                }

                var reclaimable = volume.ReclaimableBytes;
                if (reclaimable >= _options.MinCompactionReclaimableBytes
                    && reclaimable >= _options.CompactionReclaimableFraction * volume.SizeBytes
                    && reclaimable > chosenBytes)
                {
                    (chosen, chosenBytes) = (volume, reclaimable);
                }
            }
        }

        if (chosen is not null)
        {
            _compactingVolumeId = chosen.VolumeId;
            _compaction = CompactAsync(chosen, chosenBytes);
        }
    }

    private async Task CompactAsync(PhysicalVolume volume, long reclaimableBytes)
    {
        Log.CompactionStarted(_logger, Id, volume.VolumeId, reclaimableBytes, volume.SizeBytes);
        try
        {
            await volume.CompactAsync(_shutdown.Token);
            Interlocked.Increment(ref _compactions);
        }
        catch (Exception exception) when (exception is InvalidOperationException or NeedleCorruptException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // A corrupt needle has been reported through the volume's corruption hook already; the rest is retried after the pause.
            Log.CompactionFailed(_logger, exception, Id, volume.VolumeId);
        }
        finally
        {
            var pauseTicks = (long)(_options.CompactionPause.TotalSeconds * _time.TimestampFrequency);
            Interlocked.Exchange(ref _nextCompactionTimestamp, _time.GetTimestamp() + pauseTicks);
        }
    }

    /// <summary>Waits for a compaction of <paramref name="volumeId"/> in flight, so a retired volume's files are not renamed back.</summary>
    private async Task WaitForCompactionOfAsync(uint volumeId)
    {
        if (_compaction is { IsCompleted: false } compaction && _compactingVolumeId == volumeId)
        {
            await compaction;
        }
    }

    /// <summary>Waits for a compaction in flight (cancelled by the shutdown token) before the volumes close.</summary>
    private async Task StopCompactionAsync()
    {
        if (_compaction is { } compaction)
        {
            await compaction;
        }
    }
}
