using Cluster.Core;

namespace Raft.Core;

/// <summary>A request that only the leader can serve was made on a node that is not the leader.</summary>
public sealed class NotLeaderException : InvalidOperationException
{
    /// <summary>Creates the exception with the leader this node knows of.</summary>
    /// <param name="leaderHint">The current leader as far as this node knows, or <see cref="NodeId.None"/>.</param>
    public NotLeaderException(NodeId leaderHint)
        : base(leaderHint.IsNone
            ? "This node is not the leader and knows of no leader; retry after an election."
            : $"This node is not the leader; send the request to {leaderHint}.")
    {
        LeaderHint = leaderHint;
    }

    /// <summary>The leader as far as this node knows, or <see cref="NodeId.None"/>.</summary>
    public NodeId LeaderHint { get; }
}
