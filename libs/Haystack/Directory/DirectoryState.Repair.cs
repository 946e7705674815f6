using Cluster.Core;

namespace Haystack;

internal sealed partial class DirectoryState
{
    /// <summary>
    /// Starts, steers and cancels replica repairs; run after every command that changes health. A failed replica on a Store
    /// that is up is rebuilt in place; one on a Store marked down is rebuilt on another Store, which takes its place when
    /// done. Either way the copy comes from a healthy replica, which the Directory names.
    /// </summary>
    public void PlanRepairs(DirectoryOptions options)
    {
        foreach (var volume in Volumes.Values)
        {
            // A volume that still allocates holds no photo: failures there turn it read-only first, and are repaired then.
            if (volume.State == LogicalVolumeState.Allocating)
            {
                continue;
            }

            CancelRepairsOnDownStores(volume);
            var sources = volume.Replicas.Where(IsRepairSource).ToList();
            foreach (var replica in volume.Replicas.Where(r => r.Repairing && !sources.Exists(s => s.Store == r.RepairSource)))
            {
                // The source failed (or there was none): continue from another healthy replica, or wait for one.
                replica.RepairSource = Pick(sources, replica.Store);
            }

            if (sources.Count == 0)
            {
                continue;
            }

            foreach (var failed in volume.Replicas.Where(r => !r.Healthy && !r.Repairing).ToList())
            {
                if (volume.Replicas.Exists(r => r.Replaces == failed.Store))
                {
                    continue;
                }

                if (IsAlive(failed.Store))
                {
                    failed.Repairing = true;
                    failed.RepairSource = Pick(sources, failed.Store);
                }
                else if (Stores.TryGetValue(failed.Store, out var store) && store.Down && ReplacementFor(volume, options) is { } target)
                {
                    volume.Replicas.Add(new ReplicaRecord { Store = target, Repairing = true, RepairSource = Pick(sources, target), Replaces = failed.Store });
                }

                // A Store that is merely suspect (a failure report, no missed heartbeats yet) is left alone: its next heartbeat
                // makes it alive (and it is repaired in place), or the monitor marks it down (and it is replaced).
            }
        }

        ReopenRepairedVolumes(options);
    }

    /// <summary>A Store finished rebuilding its replica from <paramref name="source"/>: the replica is healthy again.</summary>
    public bool CompleteRepair(uint volumeId, NodeId storeId, NodeId source, DirectoryOptions options)
    {
        if (!Volumes.TryGetValue(volumeId, out var volume)
            || volume.Replica(storeId.Value) is not { Repairing: true } replica
            || replica.RepairSource != source.Value
            || source.IsNone)
        {
            return false;
        }

        replica.Repairing = false;
        replica.RepairSource = 0;
        replica.Healthy = true;
        replica.Corrupt = false;
        replica.Reported = true;
        if (replica.Replaces != 0)
        {
            // The replacement now holds everything the lost replica held: the replication factor is back.
            volume.Replicas.RemoveAll(r => r.Store == replica.Replaces);
            replica.Replaces = 0;
        }

        volume.Refresh(options);
        PlanRepairs(options);
        return true;
    }

    /// <summary>The repairs <paramref name="storeId"/> must run, each with its source.</summary>
    public IReadOnlyList<RepairOrder> RepairsFor(ulong storeId) =>
    [
        .. VolumesOn(storeId)
            .Select(v => (Volume: v, Replica: v.Replica(storeId)!))
            .Where(p => p.Replica.Repairing && p.Replica.RepairSource != 0)
            .Select(p => new RepairOrder { VolumeId = p.Volume.Id, Source = new NodeId(p.Replica.RepairSource) }),
    ];

    /// <summary>The repairs that copy from <paramref name="storeId"/>.</summary>
    public IReadOnlyList<CopyGrant> CopyGrantsFor(ulong storeId) =>
    [
        .. Volumes.Values.SelectMany(v => v.Replicas
            .Where(r => r.Repairing && r.RepairSource == storeId)
            .Select(r => new CopyGrant { VolumeId = v.Id, Target = new NodeId(r.Store) })),
    ];

    private void CancelRepairsOnDownStores(VolumeRecord volume)
    {
        foreach (var replica in volume.Replicas.Where(r => r.Repairing && Stores.TryGetValue(r.Store, out var store) && store.Down).ToList())
        {
            if (replica.Replaces != 0)
            {
                // A replacement that went down before it finished never held anything anyone relied on: drop it, and the
                // replica it was to replace is planned again.
                volume.Replicas.Remove(replica);
            }
            else
            {
                replica.Repairing = false;
                replica.RepairSource = 0;
            }
        }
    }

    /// <summary>
    /// Reopens the read-only volumes whose failed replicas have all been repaired and that still have room: a new epoch,
    /// which the Stores learn from their heartbeat answers; the volume takes uploads once every replica reports knowing it.
    /// </summary>
    /// <remarks>
    /// The epoch is what makes this safe. An upload assigned before the failure may still be on its way; it names the old
    /// replica set and the old epoch. Every replica of the reopened volume refuses it (they learn the new epoch while the
    /// volume is still on their read-only list), so it cannot be acknowledged while the rebuilt replica lacks it.
    /// </remarks>
    private void ReopenRepairedVolumes(DirectoryOptions options)
    {
        foreach (var volume in Volumes.Values)
        {
            if (volume.State == LogicalVolumeState.ReadOnly
                && volume.ReadOnlyReason is VolumeReadOnlyReason.ReplicaFailed or VolumeReadOnlyReason.Corruption
                && volume.Replicas.Count == options.ReplicationFactor
                && volume.Replicas.TrueForAll(IsRepairSource)
                && volume.FreeBytes >= options.FullMarginBytes)
            {
                volume.Epoch++;
                volume.State = LogicalVolumeState.Reopening;
            }
        }
    }

    private bool IsRepairSource(ReplicaRecord replica) =>
        replica.Healthy && replica.Reported && !replica.Repairing && !replica.Corrupt && replica.PendingDeletes.Count == 0 && IsAlive(replica.Store);

    /// <summary>A source for the repair of <paramref name="target"/>'s replica; different targets spread over the sources.</summary>
    private static ulong Pick(List<ReplicaRecord> sources, ulong target) =>
        sources.Count == 0 ? 0 : sources[(int)(target % (ulong)sources.Count)].Store;

    /// <summary>The live Store without a replica of <paramref name="volume"/> with the most unreserved room for one, or null.</summary>
    private ulong? ReplacementFor(VolumeRecord volume, DirectoryOptions options) =>
        Stores.Values
            .Where(s => s.Alive && volume.Replica(s.Id) is null)
            .Select(s => (Store: s.Id, Room: s.FreeBytes - ReservedBytes(s.Id, options)))
            .Where(c => c.Room >= options.VolumeBytes)
            .OrderByDescending(c => c.Room)
            .ThenBy(c => c.Store)
            .Select(c => (ulong?)c.Store)
            .FirstOrDefault();
}
