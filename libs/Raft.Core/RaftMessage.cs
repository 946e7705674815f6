using MessagePack;
using Cluster.Core;

namespace Raft.Core;

/// <summary>
/// One message between Raft nodes. A single shape with a <see cref="Type"/> keeps the wire format small and stable;
/// each type uses the fields its documentation names and leaves the others at their defaults.
/// </summary>
/// <remarks>Messages are immutable values; the core never keeps a reference to a message after <see cref="RaftCore.Step"/> returns, except for entry payloads.</remarks>
[MessagePackObject]
public sealed record RaftMessage
{
    /// <summary>The kind of message.</summary>
    [Key(0)]
    public MessageType Type { get; init; }

    /// <summary>The sender.</summary>
    [Key(1)]
    public NodeId From { get; init; }

    /// <summary>The recipient.</summary>
    [Key(2)]
    public NodeId To { get; init; }

    /// <summary>The sender's term; for <see cref="MessageType.PreVote"/> the term the sender would campaign in.</summary>
    [Key(3)]
    public ulong Term { get; init; }

    /// <summary>Append: term of the entry before <see cref="Entries"/>. Vote/PreVote: term of the candidate's last entry.</summary>
    [Key(4)]
    public ulong LogTerm { get; init; }

    /// <summary>
    /// Append: index of the entry before <see cref="Entries"/>. Vote/PreVote: index of the candidate's last entry.
    /// AppendResponse: the last index now matching the leader, or the rejected index. InstallSnapshotResponse: the follower's last index.
    /// ReadIndexResponse: the index the read must wait for.
    /// </summary>
    [Key(5)]
    public ulong Index { get; init; }

    /// <summary>Append: the entries to append after <see cref="Index"/>.</summary>
    [Key(6)]
    public IReadOnlyList<LogEntry> Entries { get; init; } = [];

    /// <summary>Append/Heartbeat: the leader's commit index (for heartbeats, capped at what the follower is known to hold).</summary>
    [Key(7)]
    public ulong Commit { get; init; }

    /// <summary>Responses: whether the request was refused.</summary>
    [Key(8)]
    public bool Reject { get; init; }

    /// <summary>Rejected AppendResponse: the term of the follower's entry at the rejected index, or 0 when its log is too short.</summary>
    [Key(9)]
    public ulong ConflictTerm { get; init; }

    /// <summary>Rejected AppendResponse: the first index of <see cref="ConflictTerm"/> in the follower's log, or its last index + 1 when its log is too short.</summary>
    [Key(10)]
    public ulong ConflictIndex { get; init; }

    /// <summary>Heartbeat/HeartbeatResponse/ReadIndex/ReadIndexResponse: the opaque read request context.</summary>
    [Key(11)]
    [MessagePackFormatter(typeof(BytesFormatter))]
    public ReadOnlyMemory<byte> Context { get; init; }

    /// <summary>InstallSnapshot: what the snapshot covers.</summary>
    [Key(12)]
    public SnapshotMetadata? Snapshot { get; init; }

    /// <summary>InstallSnapshot: the byte offset of <see cref="SnapshotData"/> within the snapshot.</summary>
    [Key(13)]
    public ulong SnapshotOffset { get; init; }

    /// <summary>InstallSnapshot: this chunk of the snapshot's data.</summary>
    [Key(14)]
    [MessagePackFormatter(typeof(BytesFormatter))]
    public ReadOnlyMemory<byte> SnapshotData { get; init; }

    /// <summary>InstallSnapshot: whether this is the last chunk.</summary>
    [Key(15)]
    public bool SnapshotDone { get; init; }

    /// <summary>Vote: the election was started by a leadership transfer, so voters must not refuse it for having a live leader.</summary>
    [Key(16)]
    public bool LeaderTransfer { get; init; }

    /// <summary>Heartbeat: the leader's tick count when it sent the heartbeat; echoed in the response to extend a read lease.</summary>
    [Key(17)]
    public ulong LeaseTick { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Type} {From}->{To} t{Term} i{Index} lt{LogTerm} c{Commit} n{Entries.Count}{(Reject ? " reject" : string.Empty)}";
}
