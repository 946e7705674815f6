namespace Raft.Core;

/// <summary>How the leader confirms linearizable reads.</summary>
public enum ReadOnlyMode
{
    /// <summary>Confirm leadership with a heartbeat round to a quorum for each batch of reads (Raft thesis §6.4). Safe under any clock behaviour.</summary>
    ReadIndex = 0,

    /// <summary>
    /// Serve reads while the leader holds a lease: a quorum acknowledged a heartbeat less than an election timeout ago, minus
    /// <see cref="RaftOptions.LeaseClockDriftBoundTicks"/> (Raft thesis §6.4.1). Safe only if tick rates drift by less than that bound;
    /// requires <see cref="RaftOptions.CheckQuorum"/>. A leader that starts a leadership transfer gives up its lease for the term, and
    /// a freshly started node ignores vote requests for one election timeout.
    /// </summary>
    LeaseBased = 1,
}
