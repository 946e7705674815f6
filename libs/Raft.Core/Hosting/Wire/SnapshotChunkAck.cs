using MessagePack;

namespace Raft.Core;

/// <summary>A follower's answer to a <see cref="SnapshotChunk"/>.</summary>
[MessagePackObject]
public sealed record SnapshotChunkAck
{
    /// <summary>The follower's term; a higher one tells the leader it has been deposed.</summary>
    [Key(0)]
    public ulong Term { get; init; }

    /// <summary>The offset the follower wants next (its received length for this snapshot; 0 to start over).</summary>
    [Key(1)]
    public long NextOffset { get; init; }

    /// <summary>Whether the whole snapshot has been received and made durable.</summary>
    [Key(2)]
    public bool Complete { get; init; }

    /// <summary>Whether the follower refused the chunk (older term, or busy writing another snapshot); the leader retries later.</summary>
    [Key(3)]
    public bool Refused { get; init; }
}
