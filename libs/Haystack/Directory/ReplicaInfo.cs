using Cluster.Core;
using MessagePack;

namespace Haystack;

/// <summary>One replica of a logical volume as the Directory knows it.</summary>
[MessagePackObject]
public sealed record ReplicaInfo
{
    /// <summary>The Store machine.</summary>
    [Key(0)]
    public NodeId Store { get; init; }

    /// <summary>The size its Store last reported.</summary>
    [Key(1)]
    public long SizeBytes { get; init; }

    /// <summary>Whether its Store has reported the physical volume.</summary>
    [Key(2)]
    public bool Reported { get; init; }

    /// <summary>Whether reads may go to it.</summary>
    [Key(3)]
    public bool Healthy { get; init; }

    /// <summary>Whether a needle on it failed its checks (it stays unhealthy until repaired).</summary>
    [Key(4)]
    public bool Corrupt { get; init; }

    /// <summary>Whether it is being rebuilt by a copy from <see cref="RepairSource"/> (it takes deletes but serves no reads).</summary>
    [Key(5)]
    public bool Repairing { get; init; }

    /// <summary>The Store a repair copies from; <see cref="NodeId.None"/> when not repairing or while no replica can serve as one.</summary>
    [Key(6)]
    public NodeId RepairSource { get; init; }

    /// <summary>The Store whose replica this one takes over when its repair completes; <see cref="NodeId.None"/> for a repair in place.</summary>
    [Key(7)]
    public NodeId Replaces { get; init; }

    /// <summary>Deletes this replica missed that its Store has not yet confirmed applying; it serves no reads until none are left.</summary>
    [Key(8)]
    public int PendingDeletes { get; init; }
}
