using Cluster.Core;
using Cluster.Simulation;
using Raft.Core;

namespace Gfs.Tests.Infrastructure;

/// <summary>
/// A whole GFS in the simulator: a master group of three Raft nodes (logs in memory that survives crashes), chunkservers on
/// simulated disks spread over two racks, and client nodes, with every timeout shrunk so failures play out in seconds.
/// </summary>
public sealed class GfsSimCluster
{
    public const long ChunkSize = 128 * 1024;

    private readonly Dictionary<NodeId, MasterSlot> _masters = [];
    private readonly Dictionary<NodeId, ChunkServer?> _chunkservers = [];
    private readonly Dictionary<NodeId, GfsClient> _clients = [];
    private readonly Dictionary<NodeId, MessageBus> _clientBuses = [];

    public GfsSimCluster(ulong seed, int chunkservers = 5, int clients = 1, MasterOptions? master = null, long capacityBytes = 64L * 1024 * 1024)
    {
        Simulator = new Simulator(seed, new SimulatorOptions { Network = new NetworkOptions { Registry = GfsMessageTypes.CreateRegistry() } });
        MasterOptions = master ?? FastMaster;
        MasterNodes = [new(1), new(2), new(3)];
        ChunkserverNodes = [.. Enumerable.Range(11, chunkservers).Select(i => new NodeId((ulong)i))];
        ClientNodes = [.. Enumerable.Range(100, clients).Select(i => new NodeId((ulong)i))];
        foreach (var id in MasterNodes)
        {
            AddMaster(id);
        }

        foreach (var id in ChunkserverNodes)
        {
            AddChunkserver(id, capacityBytes);
        }

        foreach (var id in ClientNodes)
        {
            Simulator.AddNode(id, env =>
            {
                var bus = env.CreateMessageBus();
                _clientBuses[id] = bus;
                _clients[id] = new GfsClient(bus, MasterNodes, env.Time, env.Random, FastClient);
            });
        }
    }

    public static MasterOptions FastMaster { get; } = new()
    {
        ChunkSize = ChunkSize,
        LeaseDuration = TimeSpan.FromSeconds(2),
        ChunkserverTimeout = TimeSpan.FromSeconds(1.5),
        MaintenanceInterval = TimeSpan.FromMilliseconds(200),
        SettleTime = TimeSpan.FromMilliseconds(700),
        TrashDelay = TimeSpan.FromSeconds(1),
        ChunkserverRpcTimeout = TimeSpan.FromMilliseconds(500),
    };

    public static GfsClientOptions FastClient { get; } = new()
    {
        RpcTimeout = TimeSpan.FromMilliseconds(600),
        RetryDelay = TimeSpan.FromMilliseconds(50),
        MaxAttempts = 20,
        PushPieceBytes = 16 * 1024,
    };

    public Simulator Simulator { get; }

    public MasterOptions MasterOptions { get; }

    public IReadOnlyList<NodeId> MasterNodes { get; }

    public IReadOnlyList<NodeId> ChunkserverNodes { get; }

    public IReadOnlyList<NodeId> ClientNodes { get; }

    public GfsClient Client => _clients[ClientNodes[0]];

    public GfsClient ClientOn(NodeId node) => _clients[node];

    /// <summary>The first client node's bus, for hand-made (hostile) requests.</summary>
    public MessageBus ClientBusForTests() => _clientBuses[ClientNodes[0]];

    public ChunkServer? Chunkserver(NodeId id) => _chunkservers[id];

    public IEnumerable<MasterServer> RunningMasters =>
        _masters.Where(p => p.Value.Server is not null && Simulator.GetNode(p.Key).IsUp).Select(p => p.Value.Server!);

    public MasterServer? Leader() =>
        RunningMasters.Where(s => s.Node.Status.IsLeader).OrderByDescending(s => s.Node.Status.Term).FirstOrDefault();

    public T Run<T>(Func<Task<T>> body, TimeSpan? timeout = null) => Simulator.Run(body, timeout ?? TimeSpan.FromSeconds(120));

    public void Run(Func<Task> body, TimeSpan? timeout = null) => Simulator.Run(body, timeout ?? TimeSpan.FromSeconds(120));

    /// <summary>Runs until a master leads, has settled and knows every running chunkserver.</summary>
    public void WaitForMaster(TimeSpan? timeout = null)
    {
        var ok = Simulator.RunUntil(
            () => Leader() is { } leader && ChunkserverNodes.Where(n => Simulator.GetNode(n).IsUp).All(leader.LiveChunkservers.Contains),
            timeout ?? TimeSpan.FromSeconds(10));
        Assert.That(ok, Is.True, "a leading master that knows every running chunkserver");
        Simulator.RunFor(MasterOptions.SettleTime);
    }

    public void CrashMaster(NodeId id)
    {
        Simulator.GetNode(id).Crash();
        _masters[id].Server = null;
    }

    public void RestartNode(NodeId id) => Simulator.GetNode(id).Restart();

    public void CrashChunkserver(NodeId id)
    {
        Simulator.GetNode(id).Crash();
        _chunkservers[id] = null;
    }

    /// <summary>The chunkservers holding a replica of <paramref name="handle"/> (any version), with that replica's info.</summary>
    public IReadOnlyList<(NodeId Server, ChunkInfo Info)> Replicas(ulong handle) =>
        [.. _chunkservers.Where(p => p.Value is not null && Simulator.GetNode(p.Key).IsUp)
            .Select(p => (p.Key, Found: p.Value!.Store.TryGetInfo(handle, out var info), Info: info))
            .Where(x => x.Found)
            .Select(x => (x.Key, x.Info))];

    /// <summary>Every chunk handle some running chunkserver holds.</summary>
    public IReadOnlySet<ulong> StoredHandles() =>
        _chunkservers.Where(p => p.Value is not null && Simulator.GetNode(p.Key).IsUp).SelectMany(p => p.Value!.Store.List().Select(c => c.Handle)).ToHashSet();

    /// <summary>Flips one bit in a replica's data file behind the chunkserver's back.</summary>
    public void CorruptReplica(NodeId server, ulong handle, long offset)
    {
        Run(async () =>
        {
            var disk = Simulator.GetNode(server).Disk;
            var file = await disk.OpenAsync($"chunk-{handle:x16}.dat", StorageOpenMode.OpenExisting);
            var one = new byte[1];
            await file.ReadAsync(offset, one);
            one[0] ^= 0x04;
            await file.WriteAsync(offset, one);
            await file.FlushAsync();
            await file.DisposeAsync();
        });
    }

    private void AddMaster(NodeId id)
    {
        var slot = new MasterSlot();
        _masters[id] = slot;
        Simulator.AddNode(id, async env =>
        {
            slot.Server = await MasterServer.StartAsync(
                MasterOptions,
                new RaftNodeOptions
                {
                    NodeId = id,
                    InitialMembers = MasterNodes,
                    TickInterval = TimeSpan.FromMilliseconds(50),
                    Raft = new RaftOptions { ElectionTimeoutTicks = 10, HeartbeatIntervalTicks = 2 },
                },
                slot.Log,
                slot.Snapshots,
                env.CreateMessageBus(),
                env.Time,
                env.Random,
                env.LoggerFactory);
        });
    }

    private void AddChunkserver(NodeId id, long capacityBytes)
    {
        _chunkservers[id] = null;
        var rack = $"rack-{id.Value % 2}";
        Simulator.AddNode(id, async env =>
        {
            var store = await ChunkStore.OpenAsync(env.Storage, new ChunkStoreOptions { ChunkSizeBytes = ChunkSize }, env.LoggerFactory);
            _chunkservers[id] = ChunkServer.Start(
                new ChunkServerOptions
                {
                    Masters = MasterNodes,
                    Rack = rack,
                    CapacityBytes = capacityBytes,
                    ScrubInterval = TimeSpan.Zero,
                    HeartbeatInterval = TimeSpan.FromMilliseconds(200),
                    RpcTimeout = TimeSpan.FromMilliseconds(500),
                    ReadPieceBytes = 32 * 1024,
                },
                store,
                env.CreateMessageBus(),
                env.Time,
                env.LoggerFactory);
        });
    }

    private sealed class MasterSlot
    {
        public MemoryRaftLog Log { get; } = new();

        public MemorySnapshotStore Snapshots { get; } = new();

        public MasterServer? Server { get; set; }
    }
}
