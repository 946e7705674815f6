namespace Raft.Core;

/// <summary>Why a leader refused a proposal or read for now; each reason is transient.</summary>
public enum ProposalRejectionReason
{
    /// <summary>A leadership transfer is in progress (Raft thesis §3.10); retry on the new leader.</summary>
    LeadershipTransferInProgress = 0,

    /// <summary>Uncommitted entries already reach <see cref="RaftOptions.MaxUncommittedEntriesBytes"/>; retry when the log catches up.</summary>
    UncommittedLimitReached = 1,

    /// <summary>A configuration change is still unapplied; only one may be pending at a time (Raft thesis §4.1).</summary>
    ConfigChangePending = 2,

    /// <summary><see cref="RaftOptions.MaxPendingReadRequests"/> reads are already waiting for confirmation.</summary>
    TooManyPendingReads = 3,

    /// <summary>The hosted node already holds <see cref="RaftNodeOptions.MaxPendingProposals"/> proposals waiting to be applied.</summary>
    TooManyPendingProposals = 4,
}
