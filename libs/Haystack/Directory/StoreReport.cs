using Cluster.Core;
using MessagePack;

namespace Haystack;

/// <summary>A Store machine's heartbeat: who it is, its space and its volumes. The first one registers the Store.</summary>
[MessagePackObject]
public sealed record StoreReport
{
    /// <summary>The Store machine.</summary>
    [Key(0)]
    public NodeId Store { get; init; }

    /// <summary>The space the Store offers for volumes.</summary>
    [Key(1)]
    public long CapacityBytes { get; init; }

    /// <summary>The part of <see cref="CapacityBytes"/> its volume files do not use yet.</summary>
    [Key(2)]
    public long FreeBytes { get; init; }

    /// <summary>Every physical volume the Store holds open.</summary>
    [Key(3)]
    public IReadOnlyList<VolumeReport> Volumes { get; init; } = [];

    /// <summary>The ids of pending deletes (<see cref="HeartbeatResult.PendingDeletes"/>) the Store has applied durably since its last heartbeat.</summary>
    [Key(4)]
    public IReadOnlyList<ulong> AppliedPendingDeletes { get; init; } = [];
}
