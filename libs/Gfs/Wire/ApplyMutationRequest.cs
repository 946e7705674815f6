using MessagePack;

namespace Gfs;

/// <summary>A mutation the primary forwards to a secondary, with the serial number that orders it.</summary>
[MessagePackObject]
public sealed record ApplyMutationRequest
{
    /// <summary>Write or pad (appends arrive as writes at the offset the primary chose).</summary>
    [Key(0)]
    public MutationKind Kind { get; init; }

    /// <summary>The chunk.</summary>
    [Key(1)]
    public ulong Handle { get; init; }

    /// <summary>The version of the primary's lease; a replica at another version refuses.</summary>
    [Key(2)]
    public ulong Version { get; init; }

    /// <summary>The primary's serial number for this mutation of the chunk.</summary>
    [Key(3)]
    public ulong Serial { get; init; }

    /// <summary>The offset in the chunk (for a pad, the length to pad to).</summary>
    [Key(4)]
    public long Offset { get; init; }

    /// <summary>The pushed data (for a write).</summary>
    [Key(5)]
    public ulong DataId { get; init; }

    /// <summary>The pushed data's length.</summary>
    [Key(6)]
    public int Length { get; init; }
}
