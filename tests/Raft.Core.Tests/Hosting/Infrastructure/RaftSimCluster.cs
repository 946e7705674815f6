using Cluster.Core;
using Cluster.Simulation;

namespace Raft.Core.Tests.Hosting;

/// <summary>
/// A cluster of <see cref="RaftNode"/>s in the simulator: virtual time, simulated network, and per node a log store and a snapshot
/// store that survive crashes. Checks the Raft safety properties whenever asked (and at the end of each test).
/// </summary>
public sealed class RaftSimCluster
{
    private readonly Dictionary<NodeId, Slot> _slots = [];
    private readonly Func<NodeId, RaftNodeOptions> _options;
    private readonly Dictionary<ulong, NodeId> _leaderOfTerm = [];

    public RaftSimCluster(ulong seed, int size, Func<NodeId, RaftNodeOptions>? options = null, SimulatorOptions? simulator = null, bool durable = false)
    {
        Durable = durable;
        Simulator = new Simulator(seed, simulator ?? new SimulatorOptions
        {
            Network = new NetworkOptions { Registry = RaftMessageTypes.CreateRegistry() },
        });
        Members = [.. Enumerable.Range(1, size).Select(i => new NodeId((ulong)i))];
        _options = options ?? (id => DefaultOptions(id, Members));
        foreach (var id in Members)
        {
            AddNode(id, _options(id));
        }
    }

    public Simulator Simulator { get; }

    /// <summary>
    /// Whether nodes keep their log and snapshots on their simulated disks (<see cref="SegmentedLogStore"/>,
    /// <see cref="FileSnapshotStore"/>), so crashes lose unsynced writes and tear the last one; otherwise in memory that
    /// survives crashes whole.
    /// </summary>
    public bool Durable { get; }

    private static readonly SegmentedLogStoreOptions SimulatedLogOptions = new() { MaxSegmentBytes = 64 * 1024, PreallocateBytes = 16 * 1024 };

    public IReadOnlyList<NodeId> Members { get; }

    public IReadOnlyCollection<NodeId> AllNodes => _slots.Keys;

    /// <summary>The harness's node settings (50 ms ticks, elections after 0.5–1 s), with the knobs tests turn.</summary>
    public static RaftNodeOptions DefaultOptions(
        NodeId id,
        IReadOnlyList<NodeId> members,
        ReadOnlyMode reads = ReadOnlyMode.ReadIndex,
        int snapshotThresholdEntries = RaftNodeOptions.DefaultSnapshotThresholdEntries,
        int snapshotChunkBytes = RaftNodeOptions.DefaultSnapshotChunkBytes,
        TimeSpan? sessionTimeout = null) => new()
    {
        NodeId = id,
        InitialMembers = members,
        TickInterval = TimeSpan.FromMilliseconds(50),
        Raft = new RaftOptions { ElectionTimeoutTicks = 10, HeartbeatIntervalTicks = 2, ReadOnlyMode = reads },
        SnapshotThresholdEntries = snapshotThresholdEntries,
        SnapshotChunkBytes = snapshotChunkBytes,
        SessionTimeout = sessionTimeout ?? RaftNodeOptions.DefaultSessionTimeout,
    };

    /// <summary>Adds (and starts) a node; pass options without initial members for a node that joins later.</summary>
    public void AddNode(NodeId id, RaftNodeOptions options)
    {
        var slot = new Slot(options);
        _slots[id] = slot;
        slot.Simulated = Simulator.AddNode(id, async env =>
        {
            slot.Node = null;
            slot.StateMachine = new KvStateMachine { Applied = slot.Applied };
            var bus = env.CreateMessageBus();
            ILogStore log = slot.Log;
            ISnapshotStore snapshots = slot.Snapshots;
            if (Durable)
            {
                log = await SegmentedLogStore.OpenAsync(env.Storage, SimulatedLogOptions);
                snapshots = await FileSnapshotStore.OpenAsync(env.Storage);
            }

            var node = await RaftNode.StartAsync(slot.Options, slot.StateMachine, log, snapshots, bus, env.Time, env.Random, env.LoggerFactory);
            node.RoleChanged += (_, e) => RecordRole(id, e);
            slot.Node = node;
        });
    }

    public RaftNode? Node(NodeId id) => _slots[id].Node;

    /// <summary>Adds a client on its own simulated node, talking to <paramref name="servers"/> (default: all members).</summary>
    public RaftClient AddClient(NodeId id, RaftClientOptions? options = null, IReadOnlyList<NodeId>? servers = null)
    {
        RaftClient? client = null;
        Simulator.AddNode(id, env => client = new RaftClient(env.CreateMessageBus(), servers ?? Members, env.Time, options ?? new RaftClientOptions
        {
            RequestTimeout = TimeSpan.FromMilliseconds(500),
            OperationTimeout = TimeSpan.FromSeconds(20),
            KeepAliveInterval = TimeSpan.FromSeconds(1),
        }));
        return client!;
    }

    public KvStateMachine? StateMachine(NodeId id) => _slots[id].Node is null ? null : _slots[id].StateMachine;

    public SimulatedNode Simulated(NodeId id) => _slots[id].Simulated!;

    public MemoryRaftLog Log(NodeId id) => _slots[id].MemoryLog;

    public MemorySnapshotStore Snapshots(NodeId id) => _slots[id].Snapshots;

    public void StallDisk(NodeId id) => _slots[id].Log.Stall();

    public void UnstallDisk(NodeId id) => _slots[id].Log.Unstall();

    public IEnumerable<RaftNode> RunningNodes => _slots.Values.Where(s => s.Node is not null && s.Simulated!.IsUp).Select(s => s.Node!);

    public void Crash(NodeId id)
    {
        _slots[id].Simulated!.Crash();
        _slots[id].Node = null;
    }

    public void Restart(NodeId id) => _slots[id].Simulated!.Restart();

    private readonly HashSet<NodeId> _disconnected = [];

    /// <summary>Cuts a node off from everyone (6.824's disconnect).</summary>
    public void Disconnect(NodeId id)
    {
        _disconnected.Add(id);
        Simulator.Network.Isolate(id);
    }

    /// <summary>Reconnects a node with every node that is itself connected (6.824's connect).</summary>
    public void Connect(NodeId id)
    {
        _disconnected.Remove(id);
        foreach (var other in _slots.Keys.Where(o => o != id && !_disconnected.Contains(o)))
        {
            Simulator.Network.Heal(id, other);
        }
    }

    /// <summary>Starts a proposal on <paramref name="node"/> from harness code and returns its task.</summary>
    public Task<ReadOnlyMemory<byte>> StartProposal(RaftNode node, KvCommand command)
    {
        Task<ReadOnlyMemory<byte>>? proposal = null;
        Simulator.Run(() =>
        {
            proposal = node.ProposeAsync(command.Encode());
            return Task.CompletedTask;
        });
        return proposal!;
    }

    /// <summary>Runs a harness task to completion in virtual time.</summary>
    public T Run<T>(Func<Task<T>> body, TimeSpan? timeout = null) => Simulator.Run(body, timeout ?? TimeSpan.FromSeconds(30));

    /// <summary>The leaders that running, connected nodes believe they are, by term.</summary>
    public IReadOnlyList<RaftNode> Leaders() => [.. RunningNodes.Where(n => n.Status.IsLeader)];

    /// <summary>Runs until exactly one leader among <paramref name="among"/> (default: all running) is recognised by a majority of them.</summary>
    public RaftNode WaitForLeader(TimeSpan? timeout = null, IReadOnlyCollection<NodeId>? among = null)
    {
        RaftNode? found = null;
        var ok = Simulator.RunUntil(() => (found = StableLeader(among)) is not null, timeout ?? TimeSpan.FromSeconds(5));
        CheckSafety();
        Assert.That(ok, Is.True, $"no leader within {timeout ?? TimeSpan.FromSeconds(5)} of virtual time at {Simulator.Now}");
        return found!;
    }

    private readonly List<string> _violations = [];

    private void RecordRole(NodeId id, RaftRoleChangedEventArgs change)
    {
        if (change.Role != RaftRole.Leader)
        {
            return;
        }

        if (_leaderOfTerm.TryGetValue(change.Term, out var other) && other != id)
        {
            _violations.Add($"election safety: {other} and {id} both led term {change.Term}");
        }

        _leaderOfTerm[change.Term] = id;
    }

    private RaftNode? StableLeader(IReadOnlyCollection<NodeId>? among)
    {
        var nodes = RunningNodes.Where(n => among is null || among.Contains(n.Id)).ToList();
        var leaders = nodes.Where(n => n.Status.IsLeader).OrderByDescending(n => n.Status.Term).ToList();
        if (leaders.Count == 0)
        {
            return null;
        }

        var leader = leaders[0];
        var followers = nodes.Count(n => n.Status.Leader == leader.Id && n.Status.Term == leader.Status.Term);
        var voters = leader.Status.Configuration.Voters.Count;
        return followers > voters / 2 && leader.Status.CommitIndex >= 1 && leader.Status.AppliedIndex == leader.Status.CommitIndex ? leader : null;
    }

    /// <summary>Proposes through whichever node leads, retrying through leader changes, until the command is applied; returns its index.</summary>
    public ulong Propose(KvCommand command, TimeSpan? timeout = null)
    {
        var deadline = Simulator.Now + (timeout ?? TimeSpan.FromSeconds(10));
        while (Simulator.Now < deadline)
        {
            var leader = Leaders().OrderByDescending(l => l.Status.Term).FirstOrDefault();
            if (leader is null)
            {
                Simulator.RunFor(TimeSpan.FromMilliseconds(50));
                continue;
            }

            var proposal = StartProposal(leader, command);
            Simulator.RunUntil(() => proposal.IsCompleted, TimeSpan.FromSeconds(2));
            if (proposal.IsCompletedSuccessfully)
            {
                return AppliedIndexOf(command) ?? throw new InvalidOperationException("applied but not recorded");
            }
        }

        Assert.Fail($"{command} was not committed within {timeout ?? TimeSpan.FromSeconds(10)}");
        return 0;
    }

    private ulong? AppliedIndexOf(KvCommand command)
    {
        var hex = Convert.ToHexString(command.Encode());
        foreach (var slot in _slots.Values)
        {
            foreach (var (index, applied) in slot.Applied)
            {
                if (applied.EndsWith(hex, StringComparison.Ordinal))
                {
                    return index;
                }
            }
        }

        return null;
    }

    /// <summary>How many nodes have applied a command at <paramref name="index"/>, and what it was (all must agree).</summary>
    public (int Count, string? Command) AppliedAt(ulong index)
    {
        string? command = null;
        var count = 0;
        foreach (var (id, slot) in _slots)
        {
            if (slot.Applied.TryGetValue(index, out var applied))
            {
                Assert.That(command is null || command == applied, Is.True, $"state machine safety: {id} applied a different command at {index}");
                command = applied;
                count++;
            }
        }

        return (count, command);
    }

    /// <summary>Runs until <paramref name="count"/> nodes have applied index <paramref name="index"/> (or covered it by a snapshot).</summary>
    public void WaitApplied(ulong index, int count, TimeSpan? timeout = null)
    {
        var ok = Simulator.RunUntil(() => RunningNodes.Count(n => n.Status.AppliedIndex >= index) >= count, timeout ?? TimeSpan.FromSeconds(10));
        CheckSafety();
        Assert.That(ok, Is.True, $"index {index} not applied on {count} nodes: " + string.Join(", ", RunningNodes.Select(n => $"{n.Id}@{n.Status.AppliedIndex}")));
    }

    /// <summary>Election safety (one leader per term, as seen so far) and state machine safety (one command per index).</summary>
    public void CheckSafety()
    {
        Assert.That(_violations, Is.Empty);
        foreach (var node in RunningNodes)
        {
            var status = node.Status;
            Assert.That(status.Fault, Is.Null, $"{node.Id} faulted");
            if (status.IsLeader)
            {
                if (_leaderOfTerm.TryGetValue(status.Term, out var other))
                {
                    Assert.That(other, Is.EqualTo(node.Id), $"election safety: two leaders in term {status.Term}");
                }
                else
                {
                    _leaderOfTerm[status.Term] = node.Id;
                }
            }
        }

        var all = _slots.Values.SelectMany(s => s.Applied.Keys).Distinct();
        foreach (var index in all)
        {
            AppliedAt(index);
        }
    }

    private sealed class Slot(RaftNodeOptions options)
    {
        public RaftNodeOptions Options { get; } = options;

        public MemoryRaftLog MemoryLog { get; } = new();

        public StallableLogStore Log => _log ??= new StallableLogStore(MemoryLog);

        private StallableLogStore? _log;

        public MemorySnapshotStore Snapshots { get; } = new();

        public SortedDictionary<ulong, string> Applied { get; } = [];

        public SimulatedNode? Simulated { get; set; }

        public RaftNode? Node { get; set; }

        public KvStateMachine StateMachine { get; set; } = null!;
    }
}
