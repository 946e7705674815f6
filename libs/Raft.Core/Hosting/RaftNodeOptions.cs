using Cluster.Core;

namespace Raft.Core;

/// <summary>Settings of a <see cref="RaftNode"/>; validated when the node starts, with the offending property named in the error.</summary>
public sealed class RaftNodeOptions
{
    /// <summary>Default of <see cref="TickInterval"/> (100 ms: with the core's defaults, heartbeats every 100 ms and elections after 1–2 s).</summary>
    public static readonly TimeSpan DefaultTickInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Default of <see cref="SessionTimeout"/>.</summary>
    public static readonly TimeSpan DefaultSessionTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Default of <see cref="SnapshotThresholdEntries"/>.</summary>
    public const int DefaultSnapshotThresholdEntries = 10_000;

    /// <summary>Default of <see cref="SnapshotChunkBytes"/> (256 KiB).</summary>
    public const int DefaultSnapshotChunkBytes = 256 * 1024;

    /// <summary>Default of <see cref="MaxPendingProposals"/>.</summary>
    public const int DefaultMaxPendingProposals = 16_384;

    /// <summary>Default of <see cref="MaxInboxMessages"/>.</summary>
    public const int DefaultMaxInboxMessages = 65_536;

    /// <summary>Default of <see cref="MaxResponsesPerSession"/>.</summary>
    public const int DefaultMaxResponsesPerSession = 4_096;

    /// <summary>Default of <see cref="MaxSessions"/>.</summary>
    public const int DefaultMaxSessions = 100_000;

    /// <summary>This node's id.</summary>
    public NodeId NodeId { get; init; }

    /// <summary>
    /// The voters of a new cluster. When the node's log is empty it is bootstrapped with this membership; every founding member must
    /// be given the same list. Leave empty for a node that joins an existing cluster (a member adds it) or restarts from its log.
    /// </summary>
    public IReadOnlyList<NodeId> InitialMembers { get; init; } = [];

    /// <summary>The core's settings (timeouts in ticks, flow-control limits, PreVote, CheckQuorum, read mode).</summary>
    public RaftOptions Raft { get; init; } = new();

    /// <summary>Real time per core tick.</summary>
    public TimeSpan TickInterval { get; init; } = DefaultTickInterval;

    /// <summary>Applied entries after which the node snapshots its state machine and compacts its log.</summary>
    public int SnapshotThresholdEntries { get; init; } = DefaultSnapshotThresholdEntries;

    /// <summary>Bytes per chunk when a snapshot is streamed to a lagging follower.</summary>
    public int SnapshotChunkBytes { get; init; } = DefaultSnapshotChunkBytes;

    /// <summary>How long a client session lives without a command or keep-alive, measured by the leaders' clocks as recorded in the log.</summary>
    public TimeSpan SessionTimeout { get; init; } = DefaultSessionTimeout;

    /// <summary>Client sessions kept at once; opening one more fails.</summary>
    public int MaxSessions { get; init; } = DefaultMaxSessions;

    /// <summary>Responses one session may hold for commands its client has not yet acknowledged.</summary>
    public int MaxResponsesPerSession { get; init; } = DefaultMaxResponsesPerSession;

    /// <summary>Proposals and reads waiting to be applied or served; more are refused with <see cref="ProposalRejectedException"/>.</summary>
    public int MaxPendingProposals { get; init; } = DefaultMaxPendingProposals;

    /// <summary>Peer messages queued for the node's loop; more are dropped (Raft tolerates message loss).</summary>
    public int MaxInboxMessages { get; init; } = DefaultMaxInboxMessages;

    /// <summary>The time of one election timeout, <see cref="TickInterval"/> × <see cref="RaftOptions.ElectionTimeoutTicks"/>.</summary>
    public TimeSpan ElectionTimeout => TickInterval * Raft.ElectionTimeoutTicks;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        Require(!NodeId.IsNone, nameof(NodeId), NodeId, "must be set");
        Require(InitialMembers.Count == 0 || InitialMembers.Contains(NodeId), nameof(InitialMembers), string.Join(' ', InitialMembers), "must include NodeId when not empty");
        Require(Raft is not null, nameof(Raft), "null", "must be set");
        Raft!.Validate();
        Require(TickInterval >= TimeSpan.FromMilliseconds(1), nameof(TickInterval), TickInterval, "must be at least 1 ms");
        Require(SnapshotThresholdEntries >= 1, nameof(SnapshotThresholdEntries), SnapshotThresholdEntries, "must be at least 1");
        Require(SnapshotChunkBytes >= 1024, nameof(SnapshotChunkBytes), SnapshotChunkBytes, "must be at least 1024");
        Require(SessionTimeout > ElectionTimeout, nameof(SessionTimeout), SessionTimeout, "must be longer than an election timeout");
        Require(MaxSessions >= 1, nameof(MaxSessions), MaxSessions, "must be at least 1");
        Require(MaxResponsesPerSession >= 1, nameof(MaxResponsesPerSession), MaxResponsesPerSession, "must be at least 1");
        Require(MaxPendingProposals >= 1, nameof(MaxPendingProposals), MaxPendingProposals, "must be at least 1");
        Require(MaxInboxMessages >= 16, nameof(MaxInboxMessages), MaxInboxMessages, "must be at least 16");
    }

    private static void Require(bool ok, string property, object value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(property, value, $"RaftNodeOptions.{property} {rule}.");
        }
    }
}
