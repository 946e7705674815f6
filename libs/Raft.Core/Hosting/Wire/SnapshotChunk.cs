using MessagePack;

namespace Raft.Core;

/// <summary>
/// One piece of a snapshot streamed from a leader to a follower (the node's own transfer protocol, beside the core's messages).
/// A transfer is identified by its metadata; chunks go in order, and the follower's <see cref="SnapshotChunkAck.NextOffset"/>
/// tells the leader where to resume, so a transfer interrupted by loss or a timeout continues rather than restarts.
/// </summary>
[MessagePackObject]
public sealed record SnapshotChunk
{
    /// <summary>The leader's term; a follower ignores chunks of an older term.</summary>
    [Key(0)]
    public ulong Term { get; init; }

    /// <summary>What the snapshot covers.</summary>
    [Key(1)]
    public SnapshotMetadata Metadata { get; init; } = new();

    /// <summary>The position of <see cref="Data"/> in the snapshot's bytes.</summary>
    [Key(2)]
    public long Offset { get; init; }

    /// <summary>The bytes.</summary>
    [Key(3)]
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Whether this is the last chunk; the snapshot's total size is known only then.</summary>
    [Key(4)]
    public bool Done { get; init; }
}
