namespace Raft.Core;

/// <summary>The role a node plays in the current term (Raft §5.2, with the PreVote phase of the Raft thesis §9.6).</summary>
public enum RaftRole
{
    /// <summary>Passive: answers leaders and candidates.</summary>
    Follower = 0,

    /// <summary>Asking whether it could win an election, without raising its term.</summary>
    PreCandidate = 1,

    /// <summary>Asking for votes in a new term.</summary>
    Candidate = 2,

    /// <summary>Accepts proposals and replicates the log.</summary>
    Leader = 3,
}
