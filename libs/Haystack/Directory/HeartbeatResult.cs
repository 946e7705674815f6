using MessagePack;

namespace Haystack;

/// <summary>
/// The Directory's answer to a heartbeat: what the Store should create, repair and delete, which of its volumes are read-only,
/// and which Stores may copy from it.
/// </summary>
[MessagePackObject]
public sealed record HeartbeatResult
{
    /// <summary>Logical volumes allocated on this Store whose physical volume it has not reported yet.</summary>
    [Key(0)]
    public IReadOnlyList<uint> VolumesToCreate { get; init; } = [];

    /// <summary>The Store's volumes that the Directory has marked read-only (their photos are not worth caching).</summary>
    [Key(1)]
    public IReadOnlyList<uint> ReadOnlyVolumes { get; init; } = [];

    /// <summary>The size every physical volume is created with.</summary>
    [Key(2)]
    public long VolumeBytes { get; init; }

    /// <summary>Replicas on this Store to rebuild, each from the healthy replica named (see <see cref="RepairOrder"/>).</summary>
    [Key(3)]
    public IReadOnlyList<RepairOrder> Repairs { get; init; } = [];

    /// <summary>Repairs that copy from this Store: the only copy requests it answers (copies carry no cookie check).</summary>
    [Key(4)]
    public IReadOnlyList<CopyGrant> CopyGrants { get; init; } = [];

    /// <summary>Physical volumes this Store reported that are no longer its replicas (another Store took them over): delete them.</summary>
    [Key(5)]
    public IReadOnlyList<uint> VolumesToDelete { get; init; } = [];

    /// <summary>Deletes this Store's replicas missed: apply each (the cookie checked) and confirm it in a later heartbeat.</summary>
    [Key(6)]
    public IReadOnlyList<PendingDelete> PendingDeletes { get; init; } = [];

    /// <summary>The epoch of every volume this Store holds a replica of: writes with another epoch are refused.</summary>
    [Key(7)]
    public IReadOnlyDictionary<uint, uint> VolumeEpochs { get; init; } = new Dictionary<uint, uint>();
}
