using MessagePack;

namespace Gfs;

/// <summary>The master's answer to a heartbeat: replicas to delete and leases extended.</summary>
[MessagePackObject]
public sealed record HeartbeatReply
{
    /// <summary>
    /// <see cref="GfsErrorCode.NotLeader"/> when this master node does not lead; <see cref="GfsErrorCode.NotReady"/> while it is
    /// taking over (or has lost its Chubby lock) and does not act as master.
    /// </summary>
    [Key(0)]
    public GfsErrorCode Code { get; init; }

    /// <summary>The master node believed to lead (0 when unknown).</summary>
    [Key(1)]
    public ulong Leader { get; init; }

    /// <summary>Replicas to delete: orphans of deleted files, stale versions and corrupt copies.</summary>
    [Key(2)]
    public IReadOnlyList<ulong> Delete { get; init; } = [];

    /// <summary>Leases extended by <see cref="LeaseDuration"/> from when the heartbeat was sent.</summary>
    [Key(3)]
    public IReadOnlyList<ChunkVersion> Extended { get; init; } = [];

    /// <summary>The lease duration.</summary>
    [Key(4)]
    public TimeSpan LeaseDuration { get; init; }

    /// <summary>Leases the master no longer recognises; the chunkserver must stop acting as primary for them.</summary>
    [Key(5)]
    public IReadOnlyList<ChunkVersion> Revoked { get; init; } = [];

    /// <summary>The answering master's epoch; a chunkserver ignores the answer of a master older than the newest it has seen.</summary>
    [Key(6)]
    public ulong Epoch { get; init; }
}
