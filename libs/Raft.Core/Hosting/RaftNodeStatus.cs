using Cluster.Core;

namespace Raft.Core;

/// <summary>A consistent picture of a <see cref="RaftNode"/> at one moment.</summary>
/// <param name="Id">The node.</param>
/// <param name="Role">Its role; <see cref="RaftRole.Follower"/> while a leader whose disk stalled has stepped down.</param>
/// <param name="Term">Its current term.</param>
/// <param name="Leader">The leader it knows of, or <see cref="NodeId.None"/>.</param>
/// <param name="CommitIndex">The highest index it knows to be committed.</param>
/// <param name="AppliedIndex">The highest index its state machine has applied.</param>
/// <param name="LastIndex">The index of its last log entry.</param>
/// <param name="SnapshotIndex">The index its latest snapshot covers (0 when none).</param>
/// <param name="Configuration">The membership in force.</param>
/// <param name="Fault">Why the node stopped, or null while it runs.</param>
public sealed record RaftNodeStatus(
    NodeId Id,
    RaftRole Role,
    ulong Term,
    NodeId Leader,
    ulong CommitIndex,
    ulong AppliedIndex,
    ulong LastIndex,
    ulong SnapshotIndex,
    ConfigurationState Configuration,
    Exception? Fault)
{
    /// <summary>Whether this node is the leader.</summary>
    public bool IsLeader => Role == RaftRole.Leader;
}
