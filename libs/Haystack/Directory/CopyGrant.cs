using Cluster.Core;
using MessagePack;

namespace Haystack;

/// <summary>Allows the Store <see cref="Target"/> to list and copy the needles of one of this Store's volumes for a repair.</summary>
[MessagePackObject]
public sealed record CopyGrant
{
    /// <summary>The logical volume.</summary>
    [Key(0)]
    public uint VolumeId { get; init; }

    /// <summary>The Store rebuilding its replica.</summary>
    [Key(1)]
    public NodeId Target { get; init; }
}
