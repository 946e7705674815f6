using MessagePack;

namespace Gfs;

/// <summary>An order from the master to a chunkserver; <see cref="Kind"/> says which fields matter.</summary>
[MessagePackObject]
public sealed record ChunkCommand
{
    /// <summary>What to do.</summary>
    [Key(0)]
    public ChunkCommandKind Kind { get; init; }

    /// <summary>The chunk.</summary>
    [Key(1)]
    public ulong Handle { get; init; }

    /// <summary>The version to create, set, lease, or expect of the source.</summary>
    [Key(2)]
    public ulong Version { get; init; }

    /// <summary>For <see cref="ChunkCommandKind.CopyLocal"/>: the new handle.</summary>
    [Key(3)]
    public ulong NewHandle { get; init; }

    /// <summary>For <see cref="ChunkCommandKind.CloneFrom"/>: the chunkserver to copy from.</summary>
    [Key(4)]
    public ulong Source { get; init; }

    /// <summary>For <see cref="ChunkCommandKind.GrantLease"/>: how long the lease lasts from when the master sent it.</summary>
    [Key(5)]
    public TimeSpan LeaseDuration { get; init; }

    /// <summary>
    /// The epoch of the master that sent it (logged through the master group's Raft log when the master took over). A
    /// chunkserver refuses a command older than the newest epoch it has seen, so a deposed master cannot command it.
    /// </summary>
    [Key(6)]
    public ulong Epoch { get; init; }
}
