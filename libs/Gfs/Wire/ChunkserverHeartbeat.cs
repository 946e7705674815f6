using MessagePack;

namespace Gfs;

/// <summary>A chunkserver's periodic report to the master: itself, its space, its chunks and the leases it wants extended.</summary>
[MessagePackObject]
public sealed record ChunkserverHeartbeat
{
    /// <summary>The failure domain (rack) label.</summary>
    [Key(0)]
    public string Rack { get; init; } = "";

    /// <summary>Bytes of chunk data it may hold in all.</summary>
    [Key(1)]
    public long CapacityBytes { get; init; }

    /// <summary>Bytes of chunk data it holds now.</summary>
    [Key(2)]
    public long UsedBytes { get; init; }

    /// <summary>Every chunk it holds.</summary>
    [Key(3)]
    public IReadOnlyList<ChunkReport> Chunks { get; init; } = [];

    /// <summary>Chunks for which it holds a lease and is mutating, with the lease's version.</summary>
    [Key(4)]
    public IReadOnlyList<ChunkVersion> Leases { get; init; } = [];
}
