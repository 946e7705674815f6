using MessagePack;

namespace Gfs;

/// <summary>Reads a range of a chunk; every 64 KiB block it touches is checksum-verified first.</summary>
[MessagePackObject]
public sealed record ReadChunkRequest
{
    /// <summary>The chunk.</summary>
    [Key(0)]
    public ulong Handle { get; init; }

    /// <summary>The version the master named; a replica at another version refuses.</summary>
    [Key(1)]
    public ulong Version { get; init; }

    /// <summary>The offset in the chunk.</summary>
    [Key(2)]
    public long Offset { get; init; }

    /// <summary>How many bytes at most.</summary>
    [Key(3)]
    public int Length { get; init; }
}
