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

    /// <summary>Whether a needle on it failed its checks (it stays unhealthy until re-replicated).</summary>
    [Key(4)]
    public bool Corrupt { get; init; }
}
