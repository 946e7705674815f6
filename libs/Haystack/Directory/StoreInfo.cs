using Cluster.Core;
using MessagePack;

namespace Haystack;

/// <summary>A Store machine as the Directory knows it.</summary>
[MessagePackObject]
public sealed record StoreInfo
{
    /// <summary>The Store machine.</summary>
    [Key(0)]
    public NodeId Store { get; init; }

    /// <summary>Its capacity.</summary>
    [Key(1)]
    public long CapacityBytes { get; init; }

    /// <summary>Its free space as last reported.</summary>
    [Key(2)]
    public long FreeBytes { get; init; }

    /// <summary>Whether it heartbeats and answers (false after missed heartbeats or a failure report, until its next heartbeat).</summary>
    [Key(3)]
    public bool IsAlive { get; init; }

    /// <summary>The logical volumes it holds a replica of.</summary>
    [Key(4)]
    public IReadOnlyList<uint> Volumes { get; init; } = [];

    /// <summary>Whether the leader marked it down for missed heartbeats (its replicas are then copied to other Stores).</summary>
    [Key(5)]
    public bool IsDown { get; init; }
}
