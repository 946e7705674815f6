namespace Raft.Core;

/// <summary>How the leader is replicating to one follower; see DESIGN.md for the state machine.</summary>
public enum ProgressState
{
    /// <summary>Sending one Append per heartbeat interval until the follower's match point is found.</summary>
    Probe = 0,

    /// <summary>Streaming Appends optimistically, bounded by the inflight window.</summary>
    Replicate = 1,

    /// <summary>Waiting for the follower to install a snapshot; nothing else is sent.</summary>
    Snapshot = 2,
}
