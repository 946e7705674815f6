using Cluster.Core;
using MessagePack;

namespace Haystack;

/// <summary>Tells a Store to rebuild its replica of a logical volume by copying from the Store <see cref="Source"/>.</summary>
[MessagePackObject]
public sealed record RepairOrder
{
    /// <summary>The logical volume.</summary>
    [Key(0)]
    public uint VolumeId { get; init; }

    /// <summary>The Store holding the healthy replica to copy from.</summary>
    [Key(1)]
    public NodeId Source { get; init; }
}
