using Cluster.Core;

namespace Raft.Core;

/// <summary>Raised when a node's role, term or known leader changes.</summary>
public sealed class RaftRoleChangedEventArgs : EventArgs
{
    /// <summary>Creates the event.</summary>
    public RaftRoleChangedEventArgs(RaftRole role, ulong term, NodeId leader)
    {
        Role = role;
        Term = term;
        Leader = leader;
    }

    /// <summary>The node's new role.</summary>
    public RaftRole Role { get; }

    /// <summary>The term the change happened in.</summary>
    public ulong Term { get; }

    /// <summary>The leader the node now knows of, or <see cref="NodeId.None"/>.</summary>
    public NodeId Leader { get; }
}
