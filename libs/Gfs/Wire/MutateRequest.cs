using MessagePack;

namespace Gfs;

/// <summary>A client's write or record append, sent to the primary once every replica has the pushed data.</summary>
[MessagePackObject]
public sealed record MutateRequest
{
    /// <summary>Write or append.</summary>
    [Key(0)]
    public MutationKind Kind { get; init; }

    /// <summary>The chunk.</summary>
    [Key(1)]
    public ulong Handle { get; init; }

    /// <summary>The chunk version of the client's lease information.</summary>
    [Key(2)]
    public ulong Version { get; init; }

    /// <summary>For a write: the offset in the chunk.</summary>
    [Key(3)]
    public long Offset { get; init; }

    /// <summary>The pushed data.</summary>
    [Key(4)]
    public ulong DataId { get; init; }

    /// <summary>The pushed data's length.</summary>
    [Key(5)]
    public int Length { get; init; }

    /// <summary>The secondaries the primary forwards the mutation to.</summary>
    [Key(6)]
    public IReadOnlyList<ulong> Secondaries { get; init; } = [];
}
