using Cluster.Core;
using MessagePack;

namespace Haystack;

/// <summary>
/// The Directory's replicated state and every decision it makes: a deterministic function of the commands applied, with no
/// clock, randomness or I/O, so all Directory nodes reach the same state. Not thread-safe; <see cref="DirectoryStateMachine"/>
/// serialises access.
/// </summary>
[MessagePackObject]
internal sealed partial class DirectoryState
{
    [Key(0)]
    public SortedDictionary<ulong, StoreRecord> Stores { get; set; } = [];

    [Key(1)]
    public SortedDictionary<uint, VolumeRecord> Volumes { get; set; } = [];

    [Key(2)]
    public uint NextVolumeId { get; set; } = 1;

    [Key(3)]
    public ulong NextKey { get; set; } = 1;

    [Key(4)]
    public uint LastAssignedVolume { get; set; }

    [Key(5)]
    public ulong NextPendingDeleteId { get; set; } = 1;

    public HeartbeatResult Heartbeat(ulong index, StoreReport report, DirectoryOptions options)
    {
        if (report.Store.IsNone || report.CapacityBytes < 0 || report.FreeBytes < 0)
        {
            return new HeartbeatResult { VolumeBytes = options.VolumeBytes };
        }

        if (!Stores.TryGetValue(report.Store.Value, out var store))
        {
            if (Stores.Count >= options.MaxStores)
            {
                return new HeartbeatResult { VolumeBytes = options.VolumeBytes };
            }

            store = new StoreRecord { Id = report.Store.Value };
            Stores[store.Id] = store;
        }

        store.CapacityBytes = report.CapacityBytes;
        store.FreeBytes = report.FreeBytes;
        store.Alive = true;
        store.Down = false;
        store.LastHeartbeatIndex = index;
        AcknowledgePendingDeletes(store.Id, report.AppliedPendingDeletes);

        var reported = new Dictionary<uint, VolumeReport>();
        foreach (var volume in report.Volumes)
        {
            reported.TryAdd(volume.VolumeId, volume);
        }

        var toCreate = new List<uint>();
        foreach (var volume in VolumesOn(store.Id))
        {
            var replica = volume.Replica(store.Id)!;
            if (reported.TryGetValue(volume.Id, out var physical))
            {
                replica.SizeBytes = physical.SizeBytes;
                replica.ReportedEpoch = physical.Epoch;
                if (!replica.Reported)
                {
                    // The first report of a replica makes it healthy: it was created empty, so it lacks nothing. Any later
                    // failure is healed only by a repair, which first catches it up with a healthy replica.
                    replica.Reported = true;
                    replica.Healthy = !replica.Corrupt && !replica.Repairing;
                }
                else if (!replica.Healthy && !replica.Corrupt && !replica.Repairing && replica.PendingDeletes.Count == 0 && !volume.Replicas.Exists(r => r.Healthy))
                {
                    // No replica is healthy, so none can be repaired from: the first to return serves as the source. It holds
                    // every acknowledged needle, since an upload is acknowledged only when every replica took it, and every
                    // acknowledged delete: one it missed was kept as pending and replayed to it before it may serve.
                    replica.Healthy = true;
                }

                if (physical.IsReadOnly)
                {
                    volume.MakeReadOnly(VolumeReadOnlyReason.Full);
                }
            }
            else if (replica.Repairing)
            {
                // The Store creates the replica as part of the repair.
            }
            else if (!replica.Reported)
            {
                // Never created yet. A volume takes uploads only once every replica has reported, so this one lacks nothing
                // even if the volume turned read-only meanwhile: an empty physical volume is all it needs.
                toCreate.Add(volume.Id);
            }
            else
            {
                // The Store lost a physical volume it had reported: the replica is gone, and a volume missing a replica must
                // not take uploads that could never be acknowledged by all. A repair rebuilds it.
                replica.Healthy = false;
                volume.MakeReadOnly(VolumeReadOnlyReason.ReplicaFailed);
            }

            volume.Refresh(options);
        }

        EnsureWriteCapacity(options);
        PlanRepairs(options);
        return new HeartbeatResult
        {
            VolumesToCreate = toCreate,
            // A reopening volume stays on the list (writes refused) until every replica knows its new epoch.
            ReadOnlyVolumes = [.. VolumesOn(store.Id).Where(v => v.State is LogicalVolumeState.ReadOnly or LogicalVolumeState.Reopening).Select(v => v.Id)],
            VolumeBytes = options.VolumeBytes,
            Repairs = RepairsFor(store.Id),
            CopyGrants = CopyGrantsFor(store.Id),
            VolumesToDelete = [.. reported.Keys.Where(id => Volumes.TryGetValue(id, out var volume) && volume.Replica(store.Id) is null).Order()],
            PendingDeletes = PendingDeletesFor(store.Id, options.MaxPendingDeletesPerHeartbeat),
            VolumeEpochs = VolumesOn(store.Id).ToDictionary(v => v.Id, v => v.Epoch),
        };
    }

    public UploadAssignment AssignUpload(long dataBytes, DirectoryOptions options)
    {
        if (dataBytes < 0)
        {
            return new UploadAssignment();
        }

        var needleBytes = NeedleFormat.NeedleBytes(dataBytes);
        VolumeRecord? first = null;
        VolumeRecord? next = null;
        foreach (var volume in Volumes.Values)
        {
            if (volume.State != LogicalVolumeState.Writable || volume.FreeBytes < needleBytes)
            {
                continue;
            }

            first ??= volume;
            if (volume.Id > LastAssignedVolume)
            {
                next = volume;
                break;
            }
        }

        // Round-robin over the writable volumes spreads uploads evenly across volumes and so across Store machines.
        var chosen = next ?? first;
        if (chosen is null)
        {
            EnsureWriteCapacity(options);
            return new UploadAssignment();
        }

        LastAssignedVolume = chosen.Id;
        chosen.FreeBytes -= needleBytes;
        chosen.UploadsAssigned++;
        var key = NextKey++;
        return new UploadAssignment { VolumeId = chosen.Id, Key = key, Replicas = [.. chosen.Replicas.Select(r => new NodeId(r.Store))], Epoch = chosen.Epoch };
    }

    public bool ReportFailure(uint volumeId, NodeId storeId, ReplicaFailure failure, DirectoryOptions options)
    {
        // A report about a Store that holds no replica of the volume is ignored: anyone can build a URL naming any machine, and
        // a failed read through such a URL must not turn a healthy volume read-only.
        if (!Volumes.TryGetValue(volumeId, out var volume) || volume.Replica(storeId.Value) is not { } replica)
        {
            return false;
        }

        switch (failure)
        {
            case ReplicaFailure.Full:
                volume.MakeReadOnly(VolumeReadOnlyReason.Full);
                break;
            case ReplicaFailure.Corruption:
                replica.Corrupt = true;
                replica.Healthy = false;
                volume.MakeReadOnly(VolumeReadOnlyReason.Corruption);
                break;
            default:
                // A Store that fails a client is suspect until its next heartbeat: no new volumes go to it meanwhile.
                replica.Healthy = false;
                if (Stores.TryGetValue(storeId.Value, out var store))
                {
                    store.Alive = false;
                }

                volume.MakeReadOnly(VolumeReadOnlyReason.ReplicaFailed);
                break;
        }

        EnsureWriteCapacity(options);
        PlanRepairs(options);
        return true;
    }

    public bool MarkStoreDown(NodeId storeId, ulong lastHeartbeatIndex, DirectoryOptions options)
    {
        if (!Stores.TryGetValue(storeId.Value, out var store) || store.Down || store.LastHeartbeatIndex != lastHeartbeatIndex)
        {
            return false;
        }

        store.Alive = false;
        store.Down = true;
        foreach (var volume in VolumesOn(store.Id))
        {
            volume.Replica(store.Id)!.Healthy = false;
            volume.MakeReadOnly(VolumeReadOnlyReason.ReplicaFailed);
        }

        EnsureWriteCapacity(options);
        PlanRepairs(options);
        return true;
    }

    public VolumeLocation? Locate(uint volumeId, ulong key)
    {
        if (!Volumes.TryGetValue(volumeId, out var volume))
        {
            return null;
        }

        var healthy = volume.Replicas.Where(r => r.Healthy && r.Reported && !r.Repairing && r.PendingDeletes.Count == 0 && IsAlive(r.Store)).Select(r => new NodeId(r.Store)).ToList();
        // Then the replicas being repaired (they answer at once that they cannot serve yet), then the failed ones.
        // A replica with deletes still to apply is left out altogether: it may serve a photo whose delete was acknowledged.
        var others = volume.Replicas.Where(r => r.PendingDeletes.Count == 0).OrderBy(r => r.Repairing ? 0 : 1).Select(r => new NodeId(r.Store)).Except(healthy);

        // Rotating by the key balances reads of different photos over the healthy replicas, while every reader of one photo
        // goes to the same replica first (and so to the same Cache entry).
        var rotated = healthy.Count == 0 ? healthy : [.. healthy.Skip((int)(key % (ulong)healthy.Count)), .. healthy.Take((int)(key % (ulong)healthy.Count))];
        return new VolumeLocation { VolumeId = volume.Id, State = volume.State, Replicas = [.. rotated, .. others], HealthyReplicas = healthy.Count };
    }

    public IReadOnlyList<LogicalVolumeInfo> ListVolumes() => [.. Volumes.Values.Select(v => v.ToInfo())];

    public IReadOnlyList<StoreInfo> ListStores() =>
    [
        .. Stores.Values.Select(s => new StoreInfo
        {
            Store = new NodeId(s.Id),
            CapacityBytes = s.CapacityBytes,
            FreeBytes = s.FreeBytes,
            IsAlive = s.Alive,
            IsDown = s.Down,
            Volumes = [.. VolumesOn(s.Id).Select(v => v.Id)],
        }),
    ];

    /// <summary>Allocates logical volumes until enough can take uploads, on the live Stores with the most unreserved room.</summary>
    public void EnsureWriteCapacity(DirectoryOptions options)
    {
        while (Volumes.Count < options.MaxLogicalVolumes
               && Volumes.Values.Count(v => v.State != LogicalVolumeState.ReadOnly) < options.MinWritableVolumes)
        {
            var chosen = Stores.Values
                .Where(s => s.Alive)
                .Select(s => (Store: s, Room: s.FreeBytes - ReservedBytes(s.Id, options)))
                .Where(c => c.Room >= options.VolumeBytes)
                .OrderByDescending(c => c.Room)
                .ThenBy(c => c.Store.Id)
                .Take(options.ReplicationFactor)
                .ToList();
            if (chosen.Count < options.ReplicationFactor)
            {
                return;
            }

            var volume = new VolumeRecord
            {
                Id = NextVolumeId++,
                State = LogicalVolumeState.Allocating,
                FreeBytes = options.VolumeBytes - NeedleFormat.SuperblockBytes,
                Replicas = [.. chosen.Select(c => new ReplicaRecord { Store = c.Store.Id })],
            };
            Volumes[volume.Id] = volume;
        }
    }

    /// <summary>The room promised on a Store: what its writable volumes and the replicas it is rebuilding may still grow by.</summary>
    private long ReservedBytes(ulong storeId, DirectoryOptions options) =>
        VolumesOn(storeId).Where(v => v.State != LogicalVolumeState.ReadOnly || v.Replica(storeId)!.Repairing).Sum(v => options.VolumeBytes - v.Replica(storeId)!.SizeBytes);

    private IEnumerable<VolumeRecord> VolumesOn(ulong storeId) => Volumes.Values.Where(v => v.Replica(storeId) is not null);

    private bool IsAlive(ulong storeId) => Stores.TryGetValue(storeId, out var store) && store.Alive;
}
