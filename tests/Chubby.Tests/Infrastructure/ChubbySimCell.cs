using System.Text;
using Cluster.Core;
using Cluster.Simulation;
using Raft.Core;

namespace Chubby.Tests;

/// <summary>
/// A Chubby cell of <see cref="ChubbyServer"/>s in the simulator, with clients on their own simulated nodes. Timings are shrunk
/// (3 s leases, 6 s grace, 2 s lock-delay) so that fail-overs and expiries happen within seconds of virtual time.
/// </summary>
public sealed class ChubbySimCell
{
    public const string Root = "/ls/local";

    private readonly Dictionary<NodeId, Slot> _slots = [];
    private ulong _nextClient = 100;

    public ChubbySimCell(ulong seed, int replicas = 5, ChubbyServerOptions? server = null)
    {
        Simulator = new Simulator(seed, new SimulatorOptions { Network = new NetworkOptions { Registry = ChubbyMessageTypes.CreateRegistry() } });
        ServerOptions = server ?? DefaultServerOptions();
        Members = [.. Enumerable.Range(1, replicas).Select(i => new NodeId((ulong)i))];
        foreach (var id in Members)
        {
            var slot = new Slot();
            _slots[id] = slot;
            slot.Simulated = Simulator.AddNode(id, async env =>
            {
                slot.Server = null;
                var raft = new RaftNodeOptions
                {
                    NodeId = id,
                    InitialMembers = Members,
                    TickInterval = TimeSpan.FromMilliseconds(50),
                    Raft = new RaftOptions { ElectionTimeoutTicks = 10, HeartbeatIntervalTicks = 2 },
                };
                slot.Server = await ChubbyServer.StartAsync(ServerOptions, raft, slot.Log, slot.Snapshots, env.CreateMessageBus(), env.Time, env.Random, env.LoggerFactory);
            });
        }
    }

    public Simulator Simulator { get; }

    public ChubbyServerOptions ServerOptions { get; }

    public IReadOnlyList<NodeId> Members { get; }

    public static ChubbyServerOptions DefaultServerOptions() => new()
    {
        Lease = TimeSpan.FromSeconds(3),
        KeepAliveReplyMargin = TimeSpan.FromMilliseconds(500),
        SweepInterval = TimeSpan.FromMilliseconds(50),
        DefaultLockDelay = TimeSpan.FromSeconds(2),
        MaxLockDelay = TimeSpan.FromSeconds(5),
        MaxLockWait = TimeSpan.FromMilliseconds(500),
    };

    public static ChubbyClientOptions DefaultClientOptions(string principal = ChubbyPrincipal.Anonymous) => new()
    {
        Principal = principal,
        GracePeriod = TimeSpan.FromSeconds(6),
        RequestTimeout = TimeSpan.FromMilliseconds(500),
        RetryDelay = TimeSpan.FromMilliseconds(50),
        LeaseCheckInterval = TimeSpan.FromMilliseconds(50),
        AcquireWait = TimeSpan.FromMilliseconds(400),
    };

    public static string Path(string name) => $"{Root}/{name}";

    public static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    public ChubbyServer? Server(NodeId id) => _slots[id].Server is { } server && _slots[id].Simulated!.IsUp ? server : null;

    public IEnumerable<ChubbyServer> RunningServers => Members.Select(Server).OfType<ChubbyServer>();

    public SimulatedNode Simulated(NodeId id) => _slots[id].Simulated!;

    /// <summary>Runs until one replica is a ready master (and returns it).</summary>
    public ChubbyServer WaitForMaster(TimeSpan? timeout = null)
    {
        ChubbyServer? master = null;
        var ok = Simulator.RunUntil(() => (master = RunningServers.Where(s => s.IsMaster).MaxBy(s => s.MasterEpoch)) is not null, timeout ?? TimeSpan.FromSeconds(10));
        Assert.That(ok, Is.True, $"no master within {timeout ?? TimeSpan.FromSeconds(10)} at {Simulator.Now}");
        CheckReplicas();
        return master!;
    }

    /// <summary>Adds a client on a new simulated node and connects it; its transport can lose chosen messages (<see cref="TestClient.Transport"/>).</summary>
    public TestClient AddClient(ChubbyClientOptions? options = null)
    {
        var id = new NodeId(_nextClient++);
        var result = new TestClient(id);
        result.Simulated = Simulator.AddNode(id, async env =>
        {
            result.Transport = new DroppingTransport(env.Transport);
            var bus = new MessageBus(result.Transport, env.Time, new MessageBusOptions { RunContinuationsAsynchronously = false }, env.LoggerFactory);
            var client = await ChubbyClient.ConnectAsync(bus, Members, env.Time, options ?? DefaultClientOptions(), env.LoggerFactory);
            client.EventRaised += (_, e) => result.Events.Add(e);
            result.Client = client;
        });
        Assert.That(Simulator.RunUntil(() => result.Client is not null, TimeSpan.FromSeconds(20)), Is.True, $"client {id} did not connect");
        return result;
    }

    /// <summary>A raw message bus on a new simulated node, for sending hand-made requests.</summary>
    public (NodeId Id, MessageBus Bus) AddRawBus()
    {
        var id = new NodeId(_nextClient++);
        MessageBus? bus = null;
        Simulator.AddNode(id, env => bus = env.CreateMessageBus());
        return (id, bus!);
    }

    public T Run<T>(Func<Task<T>> body, TimeSpan? timeout = null) => Simulator.Run(body, timeout ?? TimeSpan.FromSeconds(60));

    public void Run(Func<Task> body, TimeSpan? timeout = null) => Simulator.Run(body, timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>Starts a task in the simulation without waiting for it.</summary>
    public Task<T> Start<T>(Func<Task<T>> body)
    {
        Task<T>? task = null;
        Simulator.Run(() =>
        {
            task = body();
            return Task.CompletedTask;
        });
        return task!;
    }

    public void Crash(NodeId id)
    {
        Simulated(id).Crash();
        _slots[id].Server = null;
    }

    public void Restart(NodeId id) => Simulated(id).Restart();

    /// <summary>Whether a majority of running replicas have applied the end of <paramref name="session"/>.</summary>
    public bool SessionGone(ulong session) =>
        RunningServers.Count(s => !s.Database.Sessions.ContainsKey(session)) > Members.Count / 2;

    /// <summary>No replica faulted, and replicas that applied the same index agree on the sessions and nodes (spot check).</summary>
    public void CheckReplicas()
    {
        foreach (var server in RunningServers)
        {
            Assert.That(server.Raft.Status.Fault, Is.Null, $"{server.Id} faulted");
        }
    }

    private sealed class Slot
    {
        public MemoryRaftLog Log { get; } = new();

        public MemorySnapshotStore Snapshots { get; } = new();

        public SimulatedNode? Simulated { get; set; }

        public ChubbyServer? Server { get; set; }
    }
}

/// <summary>A client in the simulation with the events it received.</summary>
public sealed class TestClient(NodeId id)
{
    public NodeId Id { get; } = id;

    public ChubbyClient Client { get; set; } = null!;

    public SimulatedNode Simulated { get; set; } = null!;

    public DroppingTransport Transport { get; set; } = null!;

    public List<ChubbyEventArgs> Events { get; } = [];

    public bool Saw(ChubbyEventKind kind, string? path = null) => Events.Any(e => e.Kind == kind && (path is null || e.Path == path));
}
