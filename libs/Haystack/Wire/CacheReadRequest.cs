using Cluster.Core;
using MessagePack;

namespace Haystack;

/// <summary>Reads a photo through a Cache, which asks <see cref="Machine"/> on a miss.</summary>
[MessagePackObject]
public sealed record CacheReadRequest
{
    /// <summary>The Store machine named in the photo's URL.</summary>
    [Key(0)]
    public NodeId Machine { get; init; }

    /// <summary>The read itself.</summary>
    [Key(1)]
    public StoreReadRequest Read { get; init; } = new();
}
