using MessagePack;

namespace Gfs;

/// <summary>One entry of the master's operation log, or one query; <see cref="Op"/> says which fields matter.</summary>
[MessagePackObject]
internal sealed record MasterCommand
{
    [Key(0)]
    public MasterOp Op { get; init; }

    [Key(1)]
    public string Path { get; init; } = "";

    /// <summary>The second path of a rename or snapshot.</summary>
    [Key(2)]
    public string Target { get; init; } = "";

    [Key(3)]
    public bool Recursive { get; init; }

    [Key(4)]
    public int ChunkIndex { get; init; }

    [Key(5)]
    public ulong Handle { get; init; }

    [Key(6)]
    public ulong Version { get; init; }

    /// <summary>The calling client and its call number, for answering retries (0 when not from a client).</summary>
    [Key(7)]
    public ulong ClientId { get; init; }

    [Key(8)]
    public ulong CallId { get; init; }

    /// <summary>For <see cref="MasterOp.ReclaimTrash"/>: entries deleted at or before this time (ticks) are reclaimed.</summary>
    [Key(9)]
    public long BeforeTicks { get; init; }

    /// <summary>
    /// For <see cref="MasterOp.BeginEpoch"/>: the generation of the Chubby lock the new master holds (0 when the group elects
    /// with Raft alone).
    /// </summary>
    [Key(10)]
    public ulong LockGeneration { get; init; }
}
