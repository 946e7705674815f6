using Cluster.Core;

namespace Raft.Core;

/// <summary>
/// One Raft node as a pure, deterministic state machine. Time advances by <see cref="Tick"/>, the network arrives by
/// <see cref="Step"/>, clients call <see cref="Propose"/> and friends, and everything the host must do comes out of
/// <see cref="GetReady"/> and is acknowledged with <see cref="Advance"/>.
/// </summary>
/// <remarks>
/// Not thread-safe: the host calls it from one loop. It does no I/O, reads no clock and draws randomness only from the
/// <see cref="RandomSource"/> it is given, so the same inputs always produce the same outputs.
/// </remarks>
public sealed partial class RaftCore
{
    private readonly RaftOptions _options;
    private readonly RandomSource _random;
    private readonly RaftLog _log;
    private readonly ProgressTracker _tracker;
    private List<RaftMessage> _messages = [];
    private List<ReadState> _readStates = [];
    private int _electionElapsed;
    private int _heartbeatElapsed;
    private int _randomizedElectionTimeout;
    private ulong _tickCount;
    private SoftState _lastSoftState;
    private HardState _lastHardState;
    private Ready? _outstanding;

    /// <summary>Creates a node from what its storage holds.</summary>
    /// <param name="id">This node's identity.</param>
    /// <param name="log">The durable log; the core reads it, the host writes it.</param>
    /// <param name="options">Settings; validated here.</param>
    /// <param name="random">A seeded source for election timeouts; the core owns it from now on.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid; the message names it.</exception>
    public RaftCore(NodeId id, IRaftLogReader log, RaftOptions options, RandomSource random)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        if (id.IsNone)
        {
            throw new ArgumentException("A Raft node needs a real identity, not NodeId.None.", nameof(id));
        }

        options.Validate();
        Id = id;
        _options = options;
        _random = random;
        _log = new RaftLog(log);
        _tracker = new ProgressTracker(options);
        var initial = log.InitialState;
        _tracker.SetConfiguration(initial.Configuration, _log.LastIndex);
        Term = initial.HardState.Term;
        Vote = initial.HardState.Vote;
        _log.CommitTo(initial.HardState.Commit);
        BecomeFollower(Term, NodeId.None);
        _lastHardState = HardState;
        _lastSoftState = SoftState;
        CheckInvariants();
    }

    /// <summary>This node's identity.</summary>
    public NodeId Id { get; }

    /// <summary>The current term.</summary>
    public ulong Term { get; private set; }

    /// <summary>Whom this node voted for in <see cref="Term"/>.</summary>
    public NodeId Vote { get; private set; }

    /// <summary>The leader of <see cref="Term"/> as far as this node knows.</summary>
    public NodeId Leader { get; private set; }

    /// <summary>This node's role.</summary>
    public RaftRole Role { get; private set; }

    /// <summary>The highest index known to be committed.</summary>
    public ulong CommitIndex => _log.Committed;

    /// <summary>The highest index the host has applied (advanced past).</summary>
    public ulong AppliedIndex => _log.Applied;

    /// <summary>The index of the last entry in the log, persisted or not.</summary>
    public ulong LastIndex => _log.LastIndex;

    /// <summary>The term of the last entry in the log.</summary>
    public ulong LastTerm => _log.LastTerm;

    /// <summary>The membership as of <see cref="AppliedIndex"/> (or of an installed snapshot).</summary>
    public ConfigurationState Configuration => _tracker.Configuration;

    /// <summary>The node a leadership transfer is going to, or <see cref="NodeId.None"/>.</summary>
    public NodeId LeadTransferee { get; private set; }

    /// <summary>The current hard state.</summary>
    public HardState HardState => new(Term, Vote, _log.Committed);

    /// <summary>The current soft state.</summary>
    public SoftState SoftState => new(Leader, Role);

    /// <summary>On the leader: the replication state towards <paramref name="id"/>, or null when it is not a member.</summary>
    public ProgressState? GetProgressState(NodeId id) => _tracker.Progress.TryGetValue(id, out var p) ? p.State : null;

    /// <summary>On the leader: the highest index known to be replicated on <paramref name="id"/>, or null when it is not a member.</summary>
    public ulong? GetMatchIndex(NodeId id) => _tracker.Progress.TryGetValue(id, out var p) ? p.Match : null;

    internal RaftLog Log => _log;

    internal ProgressTracker Tracker => _tracker;

    internal int RandomizedElectionTimeout => _randomizedElectionTimeout;

    internal int ElectionElapsed => _electionElapsed;

    /// <summary>Advances logical time by one tick: followers count towards an election, leaders towards a heartbeat.</summary>
    public void Tick()
    {
        _tickCount++;
        if (Role == RaftRole.Leader)
        {
            TickHeartbeat();
        }
        else
        {
            TickElection();
        }

        CheckInvariants();
    }

    /// <summary>Feeds one message from the network into the node.</summary>
    /// <exception cref="ArgumentException">The message is addressed to another node.</exception>
    /// <exception cref="RaftInvariantException">The message proves a protocol invariant broken (for instance a second leader in this term).</exception>
    public void Step(RaftMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.To != Id)
        {
            throw new ArgumentException($"Message for {message.To} delivered to {Id}.", nameof(message));
        }

        StepInternal(message);
        CheckInvariants();
    }

    private void Send(RaftMessage message)
    {
        Invariant.Holds(message.To != Id, "a node never sends a message to itself");
        Invariant.Holds(message.From == Id, "a node sends only in its own name");
        _messages.Add(message);
    }

    private bool IsPromotable => _tracker.IsVoter(Id) && !_log.HasPendingSnapshot;

    /// <summary>The always-on check of the node's own invariants after every public operation; cheap by design.</summary>
    private void CheckInvariants()
    {
        Invariant.Holds(_log.Applied <= _log.Committed, "applied index exceeds commit index");
        Invariant.Holds(_log.Committed <= _log.LastIndex, "commit index exceeds last index");
        Invariant.Holds(_log.FirstIndex <= _log.LastIndex + 1, "first index beyond last index + 1");
        Invariant.Holds(Role != RaftRole.Leader || (Leader == Id && Vote == Id), "a leader leads and voted for itself");
        Invariant.Holds(Role != RaftRole.Candidate || Vote == Id, "a candidate voted for itself");
        Invariant.Holds(Role != RaftRole.Leader || !_tracker.Progress.TryGetValue(Id, out var self) || self.Match == _log.LastIndex,
            "the leader's own match index is its last index");
        Invariant.Holds(Role == RaftRole.Leader || LeadTransferee.IsNone, "only a leader transfers leadership");
    }
}
