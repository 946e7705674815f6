using Cluster.Core;
using MessagePack;

namespace Haystack;

/// <summary>Where to read a photo: its logical volume's replicas, best first.</summary>
[MessagePackObject]
public sealed record VolumeLocation
{
    /// <summary>The logical volume.</summary>
    [Key(0)]
    public uint VolumeId { get; init; }

    /// <summary>The volume's state.</summary>
    [Key(1)]
    public LogicalVolumeState State { get; init; }

    /// <summary>
    /// The Store machines holding replicas: healthy ones first, rotated by the photo key so reads spread over them, then the
    /// unhealthy ones as a last resort.
    /// </summary>
    [Key(2)]
    public IReadOnlyList<NodeId> Replicas { get; init; } = [];

    /// <summary>How many of <see cref="Replicas"/> (from the start) are healthy.</summary>
    [Key(3)]
    public int HealthyReplicas { get; init; }
}
