namespace Raft.Core;

/// <summary>Settings of one <see cref="RaftCore"/>; validated when the core is created, with the offending property named in the error.</summary>
public sealed class RaftOptions
{
    /// <summary>Default of <see cref="ElectionTimeoutTicks"/>.</summary>
    public const int DefaultElectionTimeoutTicks = 10;

    /// <summary>Default of <see cref="HeartbeatIntervalTicks"/>.</summary>
    public const int DefaultHeartbeatIntervalTicks = 1;

    /// <summary>Default of <see cref="MaxInflightMessages"/>.</summary>
    public const int DefaultMaxInflightMessages = 256;

    /// <summary>Default of <see cref="MaxInflightBytes"/> (16 MiB).</summary>
    public const long DefaultMaxInflightBytes = 16L * 1024 * 1024;

    /// <summary>Default of <see cref="MaxSizePerMessageBytes"/> (1 MiB).</summary>
    public const long DefaultMaxSizePerMessageBytes = 1024 * 1024;

    /// <summary>Default of <see cref="MaxUncommittedEntriesBytes"/> (64 MiB).</summary>
    public const long DefaultMaxUncommittedEntriesBytes = 64L * 1024 * 1024;

    /// <summary>Default of <see cref="MaxCommittedBytesPerReady"/> (16 MiB).</summary>
    public const long DefaultMaxCommittedBytesPerReady = 16L * 1024 * 1024;

    /// <summary>Default of <see cref="MaxPendingReadRequests"/>.</summary>
    public const int DefaultMaxPendingReadRequests = 1024;

    /// <summary>Default of <see cref="SnapshotRetryTicks"/>.</summary>
    public const int DefaultSnapshotRetryTicks = 50;

    /// <summary>Default of <see cref="LeaseClockDriftBoundTicks"/>.</summary>
    public const int DefaultLeaseClockDriftBoundTicks = 1;

    /// <summary>
    /// Ticks without hearing from a leader before a follower campaigns; the actual timeout is drawn from [T, 2T) after every
    /// term change (Raft §5.2). Also the period of the leader's CheckQuorum and of leadership-transfer aborts.
    /// </summary>
    public int ElectionTimeoutTicks { get; init; } = DefaultElectionTimeoutTicks;

    /// <summary>Ticks between the leader's heartbeats; must be less than <see cref="ElectionTimeoutTicks"/>.</summary>
    public int HeartbeatIntervalTicks { get; init; } = DefaultHeartbeatIntervalTicks;

    /// <summary>Append messages a leader may have unacknowledged per follower while replicating optimistically.</summary>
    public int MaxInflightMessages { get; init; } = DefaultMaxInflightMessages;

    /// <summary>Entry bytes a leader may have unacknowledged per follower; at least <see cref="MaxSizePerMessageBytes"/>.</summary>
    public long MaxInflightBytes { get; init; } = DefaultMaxInflightBytes;

    /// <summary>
    /// Entry bytes per Append message (a single larger entry still goes alone). Also the largest proposal accepted: see
    /// <see cref="ProposalTooLargeException"/>.
    /// </summary>
    public long MaxSizePerMessageBytes { get; init; } = DefaultMaxSizePerMessageBytes;

    /// <summary>Bytes of entries a leader holds uncommitted before it refuses proposals with <see cref="ProposalRejectionReason.UncommittedLimitReached"/>.</summary>
    public long MaxUncommittedEntriesBytes { get; init; } = DefaultMaxUncommittedEntriesBytes;

    /// <summary>Bytes of committed entries handed out in one <see cref="Ready"/> (a single larger entry still goes alone).</summary>
    public long MaxCommittedBytesPerReady { get; init; } = DefaultMaxCommittedBytesPerReady;

    /// <summary>Read requests a leader holds while confirming its leadership.</summary>
    public int MaxPendingReadRequests { get; init; } = DefaultMaxPendingReadRequests;

    /// <summary>Whether to run a PreVote round before raising the term (Raft thesis §9.6), so a partitioned node cannot inflate terms.</summary>
    public bool PreVote { get; init; } = true;

    /// <summary>
    /// Whether a leader steps down when it has not heard from a quorum within an election timeout, and followers that hear from a
    /// leader ignore votes for that long (leader stickiness, Raft thesis §4.2.3 and §6.2).
    /// </summary>
    public bool CheckQuorum { get; init; } = true;

    /// <summary>How linearizable reads are confirmed.</summary>
    public ReadOnlyMode ReadOnlyMode { get; init; } = ReadOnlyMode.ReadIndex;

    /// <summary>
    /// For <see cref="ReadOnlyMode.LeaseBased"/>: how many ticks the lease is shortened to cover clocks of different nodes running at
    /// different rates. Must be less than <see cref="ElectionTimeoutTicks"/>.
    /// </summary>
    public int LeaseClockDriftBoundTicks { get; init; } = DefaultLeaseClockDriftBoundTicks;

    /// <summary>
    /// Ticks the leader waits for a follower to report a snapshot installed before it assumes the snapshot was lost and starts
    /// over (the host may report sooner through <see cref="RaftCore.ReportSnapshot"/>). Must cover the time to send and install one.
    /// </summary>
    public int SnapshotRetryTicks { get; init; } = DefaultSnapshotRetryTicks;

    /// <summary>Whether the leader promotes a learner to voter on its own once the learner's log has caught up with the commit index.</summary>
    public bool AutoPromoteLearners { get; init; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        Require(ElectionTimeoutTicks >= 2, nameof(ElectionTimeoutTicks), ElectionTimeoutTicks, "must be at least 2");
        Require(HeartbeatIntervalTicks >= 1, nameof(HeartbeatIntervalTicks), HeartbeatIntervalTicks, "must be at least 1");
        Require(HeartbeatIntervalTicks < ElectionTimeoutTicks, nameof(HeartbeatIntervalTicks), HeartbeatIntervalTicks, "must be less than ElectionTimeoutTicks");
        Require(MaxInflightMessages >= 1, nameof(MaxInflightMessages), MaxInflightMessages, "must be at least 1");
        Require(MaxSizePerMessageBytes >= 1, nameof(MaxSizePerMessageBytes), MaxSizePerMessageBytes, "must be at least 1");
        Require(MaxInflightBytes >= MaxSizePerMessageBytes, nameof(MaxInflightBytes), MaxInflightBytes, "must be at least MaxSizePerMessageBytes");
        Require(MaxUncommittedEntriesBytes >= 1, nameof(MaxUncommittedEntriesBytes), MaxUncommittedEntriesBytes, "must be at least 1");
        Require(MaxCommittedBytesPerReady >= 1, nameof(MaxCommittedBytesPerReady), MaxCommittedBytesPerReady, "must be at least 1");
        Require(MaxPendingReadRequests >= 1, nameof(MaxPendingReadRequests), MaxPendingReadRequests, "must be at least 1");
        Require(SnapshotRetryTicks >= 1, nameof(SnapshotRetryTicks), SnapshotRetryTicks, "must be at least 1");
        Require(Enum.IsDefined(ReadOnlyMode), nameof(ReadOnlyMode), ReadOnlyMode, "is not a defined mode");
        Require(ReadOnlyMode != ReadOnlyMode.LeaseBased || CheckQuorum, nameof(ReadOnlyMode), ReadOnlyMode, "LeaseBased requires CheckQuorum");
        Require(LeaseClockDriftBoundTicks >= 0 && LeaseClockDriftBoundTicks < ElectionTimeoutTicks, nameof(LeaseClockDriftBoundTicks), LeaseClockDriftBoundTicks, "must be in [0, ElectionTimeoutTicks)");
    }

    private static void Require(bool ok, string property, object value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(property, value, $"RaftOptions.{property} {rule}.");
        }
    }
}
