using Cluster.Core;

namespace Raft.Core;

/// <summary>
/// The node lost leadership (or stopped) before the proposal was applied here, so its fate is unknown: a later leader may still
/// commit it, or it may be gone. Retrying is safe under a client session (<see cref="RaftClient"/>), which applies a command once.
/// </summary>
public sealed class ProposalOutcomeUnknownException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public ProposalOutcomeUnknownException(ulong index, NodeId leaderHint, string reason)
        : base($"Proposal at index {index}: {reason}; it may or may not be applied. Retry under a client session for exactly-once.")
    {
        Index = index;
        LeaderHint = leaderHint;
    }

    /// <summary>The index the proposal was given.</summary>
    public ulong Index { get; }

    /// <summary>The leader this node knows of, or <see cref="NodeId.None"/>.</summary>
    public NodeId LeaderHint { get; }
}
