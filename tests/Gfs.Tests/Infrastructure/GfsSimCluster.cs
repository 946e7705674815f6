using Chubby;
using Cluster.Core;
using Cluster.Simulation;
using Microsoft.Extensions.Logging;
using Raft.Core;

namespace Gfs.Tests.Infrastructure;

/// <summary>
/// A whole GFS in the simulator: a master group of three Raft nodes (logs in memory that survives crashes), chunkservers on
/// simulated disks spread over two racks, and client nodes, with every timeout shrunk so failures play out in seconds. With
/// <c>chubby</c>, a Chubby cell of three replicas runs in the same simulation: masters elect themselves with its lock, and
/// chunkservers and clients find the master through its lock file only (clients are not even told the master nodes).
/// </summary>
public sealed class GfsSimCluster
{
    public const long ChunkSize = 128 * 1024;

    /// <summary>The master lock file of the simulated cell.</summary>
    public static readonly string LockPath = MasterLock.PathFor(ChubbyServerOptions.DefaultCellName, "sim");

    private readonly Dictionary<NodeId, MasterSlot> _masters = [];
    private readonly Dictionary<NodeId, ChunkServer?> _chunkservers = [];
    private readonly Dictionary<NodeId, GfsClient> _clients = [];
    private readonly Dictionary<NodeId, MessageBus> _clientBuses = [];
    private readonly Dictionary<NodeId, MasterLock> _masterLocks = [];
    private readonly Dictionary<NodeId, ChubbySlot> _chubby = [];

    public GfsSimCluster(ulong seed, int chunkservers = 5, int clients = 1, MasterOptions? master = null, long capacityBytes = 64L * 1024 * 1024, bool chubby = false, ILoggerFactory? logs = null, GfsClientOptions? client = null)
    {
        var clientOptions = client ?? FastClient;
        Simulator = new Simulator(seed, new SimulatorOptions { Network = new NetworkOptions { Registry = GfsMessageTypes.CreateRegistry() }, LoggerFactory = logs });
        MasterOptions = master ?? FastMaster;
        MasterNodes = [new(1), new(2), new(3)];
        ChunkserverNodes = [.. Enumerable.Range(11, chunkservers).Select(i => new NodeId((ulong)i))];
        ClientNodes = [.. Enumerable.Range(100, clients).Select(i => new NodeId((ulong)i))];
        ChubbyNodes = chubby ? [new(201), new(202), new(203)] : [];
        foreach (var id in ChubbyNodes)
        {
            AddChubbyReplica(id);
        }

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
                _clients[id] = UsesChubby
                    ? new GfsClient(bus, NewMasterLock(id, bus, env), env.Time, env.Random, clientOptions)
                    : new GfsClient(bus, MasterNodes, env.Time, env.Random, clientOptions);
            });
        }
    }

    /// <summary>Shortened Chubby timings: 3 s session leases, 6 s grace; the master lock asks for a 1 s lock-delay.</summary>
    public static ChubbyServerOptions FastChubby { get; } = new()
    {
        Lease = TimeSpan.FromSeconds(3),
        KeepAliveReplyMargin = TimeSpan.FromMilliseconds(500),
        SweepInterval = TimeSpan.FromMilliseconds(50),
        DefaultLockDelay = TimeSpan.FromSeconds(2),
        MaxLockDelay = TimeSpan.FromSeconds(5),
        MaxLockWait = TimeSpan.FromMilliseconds(500),
    };

    public static ChubbyClientOptions FastChubbyClient { get; } = new()
    {
        GracePeriod = TimeSpan.FromSeconds(6),
        RequestTimeout = TimeSpan.FromMilliseconds(500),
        RetryDelay = TimeSpan.FromMilliseconds(50),
        LeaseCheckInterval = TimeSpan.FromMilliseconds(50),
        AcquireWait = TimeSpan.FromMilliseconds(400),
    };

    public static TimeSpan MasterLockDelay { get; } = TimeSpan.FromSeconds(1);

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

    public IReadOnlyList<NodeId> ChubbyNodes { get; }

    public bool UsesChubby => ChubbyNodes.Count > 0;

    /// <summary>The master lock of a running node (master, chunkserver or client) with that node's Chubby session.</summary>
    public MasterLock MasterLockOf(NodeId node) => _masterLocks[node];

    public ChubbyServer? ChubbyReplica(NodeId id) => _chubby[id].Server is { } server && Simulator.GetNode(id).IsUp ? server : null;

    public GfsClient Client => _clients[ClientNodes[0]];

    public GfsClient ClientOn(NodeId node) => _clients[node];

    /// <summary>The first client node's bus, for hand-made (hostile) requests.</summary>
    public MessageBus ClientBusForTests() => _clientBuses[ClientNodes[0]];

    public ChunkServer? Chunkserver(NodeId id) => _chunkservers[id];

    public IEnumerable<MasterServer> RunningMasters =>
        _masters.Where(p => p.Value.Server is not null && Simulator.GetNode(p.Key).IsUp).Select(p => p.Value.Server!);

    /// <summary>The master node acting as master, or else the Raft leader of the highest term (any of them has the replicated state).</summary>
    public MasterServer? Leader() =>
        RunningMasters.Where(s => s.IsMaster).OrderByDescending(s => s.Node.Status.Term).FirstOrDefault()
        ?? RunningMasters.Where(s => s.Node.Status.IsLeader).OrderByDescending(s => s.Node.Status.Term).FirstOrDefault();

    public T Run<T>(Func<Task<T>> body, TimeSpan? timeout = null) => Simulator.Run(body, timeout ?? TimeSpan.FromSeconds(120));

    public void Run(Func<Task> body, TimeSpan? timeout = null) => Simulator.Run(body, timeout ?? TimeSpan.FromSeconds(120));

    /// <summary>Runs until a master leads, has settled and knows every running chunkserver.</summary>
    public void WaitForMaster(TimeSpan? timeout = null)
    {
        var ok = Simulator.RunUntil(
            () => Leader() is { IsMaster: true } leader && ChunkserverNodes.Where(n => Simulator.GetNode(n).IsUp).All(leader.LiveChunkservers.Contains),
            timeout ?? TimeSpan.FromSeconds(UsesChubby ? 20 : 10));
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

    private MasterLock NewMasterLock(NodeId node, MessageBus bus, NodeEnvironment env)
    {
        var masterLock = new MasterLock(
            LockPath,
            cancellationToken => ChubbyClient.ConnectAsync(bus, ChubbyNodes, env.Time, FastChubbyClient, env.LoggerFactory, cancellationToken),
            MasterLockDelay);
        _masterLocks[node] = masterLock;
        return masterLock;
    }

    private void AddChubbyReplica(NodeId id)
    {
        var slot = new ChubbySlot();
        _chubby[id] = slot;
        Simulator.AddNode(id, async env =>
        {
            slot.Server = null;
            slot.Server = await ChubbyServer.StartAsync(
                FastChubby,
                new RaftNodeOptions
                {
                    NodeId = id,
                    InitialMembers = ChubbyNodes,
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

    private void AddMaster(NodeId id)
    {
        var slot = new MasterSlot();
        _masters[id] = slot;
        Simulator.AddNode(id, async env =>
        {
            var bus = env.CreateMessageBus();
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
                bus,
                env.Time,
                env.Random,
                env.LoggerFactory,
                UsesChubby ? NewMasterLock(id, bus, env) : null);
        });
    }

    private void AddChunkserver(NodeId id, long capacityBytes)
    {
        _chunkservers[id] = null;
        var rack = $"rack-{id.Value % 2}";
        Simulator.AddNode(id, async env =>
        {
            var store = await ChunkStore.OpenAsync(env.Storage, new ChunkStoreOptions { ChunkSizeBytes = ChunkSize }, env.LoggerFactory);
            var bus = env.CreateMessageBus();
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
                bus,
                env.Time,
                env.LoggerFactory,
                UsesChubby ? NewMasterLock(id, bus, env) : null);
        });
    }

    private sealed class ChubbySlot
    {
        public MemoryRaftLog Log { get; } = new();

        public MemorySnapshotStore Snapshots { get; } = new();

        public ChubbyServer? Server { get; set; }
    }

    private sealed class MasterSlot
    {
        public MemoryRaftLog Log { get; } = new();

        public MemorySnapshotStore Snapshots { get; } = new();

        public MasterServer? Server { get; set; }
    }
}
