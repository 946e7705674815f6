namespace Raft.Core;

/// <summary>The kinds of <see cref="RaftMessage"/>.</summary>
public enum MessageType
{
    /// <summary>A pre-candidate asks whether it would get a vote in the next term (Raft thesis §9.6); nobody changes state.</summary>
    PreVote = 0,

    /// <summary>The answer to <see cref="PreVote"/>.</summary>
    PreVoteResponse = 1,

    /// <summary>A candidate asks for a vote (RequestVote RPC, Raft §5.2).</summary>
    Vote = 2,

    /// <summary>The answer to <see cref="Vote"/>.</summary>
    VoteResponse = 3,

    /// <summary>The leader replicates entries (AppendEntries RPC, Raft §5.3).</summary>
    Append = 4,

    /// <summary>The answer to <see cref="Append"/> or <see cref="InstallSnapshot"/>; a rejection carries a conflict hint.</summary>
    AppendResponse = 5,

    /// <summary>The leader asserts its leadership and carries the commit index and, optionally, a ReadIndex context.</summary>
    Heartbeat = 6,

    /// <summary>The answer to <see cref="Heartbeat"/>, echoing its context.</summary>
    HeartbeatResponse = 7,

    /// <summary>The leader sends (a chunk of) a snapshot to a follower whose needed entries were compacted (Raft §7).</summary>
    InstallSnapshot = 8,

    /// <summary>The answer to the last chunk of <see cref="InstallSnapshot"/>.</summary>
    InstallSnapshotResponse = 9,

    /// <summary>The leader tells a caught-up follower to start an election at once (Raft thesis §3.10).</summary>
    TimeoutNow = 10,

    /// <summary>A follower forwards a linearizable read request to its leader (Raft thesis §6.4).</summary>
    ReadIndex = 11,

    /// <summary>The leader answers <see cref="ReadIndex"/> with the index the read must wait for.</summary>
    ReadIndexResponse = 12,
}
