using MessagePack;

namespace Gfs;

/// <summary>Where one chunk of a file lives: its handle, current version, the replicas holding that version and, for a write, its primary.</summary>
[MessagePackObject]
public sealed record ChunkLocation
{
    /// <summary>The chunk's index in its file.</summary>
    [Key(0)]
    public int Index { get; init; }

    /// <summary>The chunk handle.</summary>
    [Key(1)]
    public ulong Handle { get; init; }

    /// <summary>The current version; replicas quoting another one are refused.</summary>
    [Key(2)]
    public ulong Version { get; init; }

    /// <summary>The chunkservers holding the current version.</summary>
    [Key(3)]
    public IReadOnlyList<ulong> Replicas { get; init; } = [];

    /// <summary>For a write: the replica holding the lease (0 otherwise).</summary>
    [Key(4)]
    public ulong Primary { get; init; }

    /// <summary>For a write: how long the lease has left, as the master sees it.</summary>
    [Key(5)]
    public TimeSpan LeaseRemaining { get; init; }

    /// <summary>The chunk's length as last reported by its replicas (may lag by a heartbeat).</summary>
    [Key(6)]
    public long Length { get; init; }
}
