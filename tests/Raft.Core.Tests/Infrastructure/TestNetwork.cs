using System.Text;
using Cluster.Core;
using Raft.Core;

namespace Raft.Core.Tests.Infrastructure;

/// <summary>
/// A deterministic in-process network of <see cref="RaftCore"/> nodes in the manner of etcd's raft_test.go <c>network</c>:
/// messages wait in one queue and are delivered by <see cref="Stabilize"/>; links can be cut, nodes isolated, message types ignored.
/// </summary>
public sealed class TestNetwork
{
    private readonly Dictionary<NodeId, TestNode> _nodes = [];
    private readonly HashSet<(NodeId From, NodeId To)> _cut = [];
    private readonly HashSet<MessageType> _ignored = [];
    private readonly Random _random;
    private readonly int _seed;

    public TestNetwork(int seed, RaftOptions options, params ulong[] ids)
    {
        _seed = seed;
        _random = new Random(seed);
        Options = options;
        foreach (var id in ids)
        {
            var storage = MemoryRaftLog.CreateBootstrapped(ids.Select(i => new NodeId(i)));
            AddNode(new NodeId(id), storage);
        }

        Stabilize();
    }

    /// <summary>A network of nodes with the given storages (already holding their configuration).</summary>
    public TestNetwork(int seed, RaftOptions options, IReadOnlyDictionary<ulong, MemoryRaftLog> storages)
    {
        _seed = seed;
        _random = new Random(seed);
        Options = options;
        foreach (var (id, storage) in storages)
        {
            AddNode(new NodeId(id), storage);
        }

        Stabilize();
    }

    public TestNetwork(params ulong[] ids)
        : this(1, DefaultOptions(), ids)
    {
    }

    public static RaftOptions DefaultOptions() => new() { ElectionTimeoutTicks = 10, HeartbeatIntervalTicks = 1 };

    public RaftOptions Options { get; }

    public List<RaftMessage> Queue { get; } = [];

    /// <summary>Every message delivered so far, in order.</summary>
    public List<RaftMessage> Delivered { get; } = [];

    /// <summary>Rewrites or drops (returns null) each message before it is queued.</summary>
    public Func<RaftMessage, RaftMessage?>? Filter { get; set; }

    /// <summary>Probability of dropping each message.</summary>
    public double DropRate { get; set; }

    /// <summary>Called after every delivered message and every processed Ready; safety checkers hook in here.</summary>
    public Action? AfterStep { get; set; }

    public Action<TestNode, LogEntry>? OnApply { get; set; }

    public IReadOnlyDictionary<NodeId, TestNode> Nodes => _nodes;

    public TestNode this[ulong id] => _nodes[new NodeId(id)];

    public TestNode AddNode(NodeId id, MemoryRaftLog storage)
    {
        var node = new TestNode(id, storage, Options, _seed * 1000 + (int)id.Value);
        _nodes[id] = node;
        return node;
    }

    public void Cut(ulong a, ulong b)
    {
        _cut.Add((new NodeId(a), new NodeId(b)));
        _cut.Add((new NodeId(b), new NodeId(a)));
    }

    public void CutOneWay(ulong from, ulong to) => _cut.Add((new NodeId(from), new NodeId(to)));

    public void Isolate(ulong id)
    {
        foreach (var other in _nodes.Keys.Where(n => n.Value != id))
        {
            Cut(id, other.Value);
        }
    }

    public void Ignore(MessageType type) => _ignored.Add(type);

    public void Recover()
    {
        _cut.Clear();
        _ignored.Clear();
        DropRate = 0;
    }

    public bool IsCut(NodeId from, NodeId to) => _cut.Contains((from, to));

    /// <summary>Queues messages, applying the current faults.</summary>
    public void Send(IEnumerable<RaftMessage> messages)
    {
        foreach (var m in messages)
        {
            if (_cut.Contains((m.From, m.To)) || _ignored.Contains(m.Type) || !_nodes.ContainsKey(m.To))
            {
                continue;
            }

            if (DropRate > 0 && _random.NextDouble() < DropRate)
            {
                continue;
            }

            var filtered = Filter is null ? m : Filter(m);
            if (filtered is not null)
            {
                Queue.Add(filtered);
            }
        }
    }

    public void ProcessReady(TestNode node)
    {
        while (!node.IsDown && node.Core.HasReady)
        {
            Send(node.ProcessReady(OnApply));
            AfterStep?.Invoke();
        }
    }

    public void ProcessAllReady()
    {
        foreach (var node in _nodes.Values)
        {
            ProcessReady(node);
        }
    }

    /// <summary>Delivers one queued message; returns false when the queue is empty.</summary>
    public bool DeliverOne() => DeliverAt(0);

    /// <summary>Delivers the queued message at <paramref name="position"/> (random positions reorder); false when the queue is empty.</summary>
    public bool DeliverAt(int position)
    {
        if (Queue.Count == 0)
        {
            return false;
        }

        var m = Queue[position];
        Queue.RemoveAt(position);

        var target = _nodes[m.To];
        if (target.IsDown)
        {
            return true;
        }

        Delivered.Add(m);
        target.Core.Step(m);
        AfterStep?.Invoke();
        ProcessReady(target);
        return true;
    }

    /// <summary>Runs until no node has work and no message is queued (bounded, so a livelock fails the test).</summary>
    public void Stabilize(int maxDeliveries = 100_000)
    {
        ProcessAllReady();
        for (var i = 0; i < maxDeliveries; i++)
        {
            if (!DeliverOne())
            {
                ProcessAllReady();
                if (Queue.Count == 0)
                {
                    return;
                }
            }
        }

        Assert.Fail($"The network did not quiesce within {maxDeliveries} deliveries.");
    }

    public void Tick(ulong id, int ticks = 1)
    {
        for (var i = 0; i < ticks; i++)
        {
            this[id].Core.Tick();
            ProcessReady(this[id]);
        }
    }

    /// <summary>Ticks every live node once per round and delivers everything after each round.</summary>
    public void TickAll(int rounds)
    {
        for (var r = 0; r < rounds; r++)
        {
            foreach (var node in _nodes.Values.Where(n => !n.IsDown))
            {
                node.Core.Tick();
                AfterStep?.Invoke();
            }

            Stabilize();
        }
    }

    public void Campaign(ulong id)
    {
        this[id].Core.Campaign();
        Stabilize();
    }

    public ulong Propose(ulong id, string command)
    {
        var index = this[id].Core.Propose(Encoding.UTF8.GetBytes(command));
        Stabilize();
        return index;
    }

    /// <summary>The live leader with the highest term, if any.</summary>
    public TestNode? Leader => _nodes.Values.Where(n => !n.IsDown && n.Core.Role == RaftRole.Leader).MaxBy(n => n.Core.Term);

    public IEnumerable<TestNode> Live => _nodes.Values.Where(n => !n.IsDown);
}
