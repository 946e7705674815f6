using Cluster.Core;
using MessagePack;

namespace Haystack;

/// <summary>A logical volume in the Directory's state.</summary>
[MessagePackObject]
internal sealed class VolumeRecord
{
    [Key(0)]
    public uint Id { get; set; }

    [Key(1)]
    public LogicalVolumeState State { get; set; }

    [Key(2)]
    public VolumeReadOnlyReason ReadOnlyReason { get; set; }

    [Key(3)]
    public List<ReplicaRecord> Replicas { get; set; } = [];

    [Key(4)]
    public long FreeBytes { get; set; }

    [Key(5)]
    public long UploadsAssigned { get; set; }

    /// <summary>Bumped each time the volume is reopened after a repair; every upload carries it and Stores refuse other epochs.</summary>
    [Key(6)]
    public uint Epoch { get; set; }

    public ReplicaRecord? Replica(ulong storeId) => Replicas.Find(r => r.Store == storeId);

    /// <summary>Stops uploads; only a completed repair followed by a reopening (under a new epoch) lets them in again.</summary>
    public void MakeReadOnly(VolumeReadOnlyReason reason)
    {
        if (State != LogicalVolumeState.ReadOnly)
        {
            State = LogicalVolumeState.ReadOnly;
            ReadOnlyReason = reason;
        }
    }

    /// <summary>Recomputes the room left from the replicas' sizes and moves the volume along its life.</summary>
    public void Refresh(DirectoryOptions options)
    {
        var largest = Replicas.Max(r => r.SizeBytes);
        FreeBytes = options.VolumeBytes - Math.Max(largest, NeedleFormat.SuperblockBytes);
        if (State == LogicalVolumeState.Allocating && Replicas.TrueForAll(r => r.Reported && r.Healthy))
        {
            State = LogicalVolumeState.Writable;
        }

        if (State == LogicalVolumeState.Reopening && Replicas.TrueForAll(r => r.Healthy && r.PendingDeletes.Count == 0 && r.ReportedEpoch == Epoch))
        {
            // Every replica now refuses writes of an older epoch, so no upload assigned before the failure can be
            // acknowledged without the replica that was rebuilt (DESIGN.md, volume lifecycle).
            State = LogicalVolumeState.Writable;
            ReadOnlyReason = VolumeReadOnlyReason.None;
        }

        if (State is LogicalVolumeState.Writable or LogicalVolumeState.Reopening && FreeBytes < options.FullMarginBytes)
        {
            MakeReadOnly(VolumeReadOnlyReason.Full);
        }
    }

    public LogicalVolumeInfo ToInfo() => new()
    {
        VolumeId = Id,
        State = State,
        ReadOnlyReason = ReadOnlyReason,
        FreeBytes = FreeBytes,
        UploadsAssigned = UploadsAssigned,
        Epoch = Epoch,
        Replicas =
        [
            .. Replicas.Select(r => new ReplicaInfo
            {
                Store = new NodeId(r.Store),
                SizeBytes = r.SizeBytes,
                Reported = r.Reported,
                Healthy = r.Healthy,
                Corrupt = r.Corrupt,
                Repairing = r.Repairing,
                RepairSource = r.RepairSource == 0 ? NodeId.None : new NodeId(r.RepairSource),
                Replaces = r.Replaces == 0 ? NodeId.None : new NodeId(r.Replaces),
                PendingDeletes = r.PendingDeletes.Count,
            }),
        ],
    };
}
