using Cluster.Core;
using Cluster.Simulation;
using Raft.Core;

namespace Haystack.Tests.Infrastructure;

/// <summary>
/// A whole Haystack in the simulator: a Directory of three Raft nodes (logs in memory that survives crashes), Store machines
/// on simulated disks, a Cache, and a client node with a <see cref="HaystackClient"/>.
/// </summary>
public sealed class HaystackSimCluster
{
    public static readonly NodeId CacheNode = new(50);
    public static readonly NodeId ClientNode = new(100);

    /// <summary>The Cache's time to live: long enough that no other test sees a photo expire.</summary>
    public static readonly TimeSpan CacheTimeToLive = TimeSpan.FromMinutes(10);

    private readonly Dictionary<NodeId, DirectorySlot> _directory = [];
    private readonly Dictionary<NodeId, StoreServer?> _stores = [];
    private readonly int _repairBatchBytes;
    private readonly long _minCompactionReclaimableBytes;
    private readonly TimeSpan _compactionPause;

    /// <param name="minCompactionReclaimableBytes">The Stores' automatic compaction threshold; off unless a test turns it on.</param>
    public HaystackSimCluster(
        ulong seed,
        int stores = 4,
        DirectoryOptions? directory = null,
        int maxUploadBytes = 64 * 1024,
        int repairBatchBytes = StoreServerOptions.DefaultRepairBatchBytes,
        long minCompactionReclaimableBytes = long.MaxValue,
        TimeSpan? compactionPause = null)
    {
        _repairBatchBytes = repairBatchBytes;
        _minCompactionReclaimableBytes = minCompactionReclaimableBytes;
        _compactionPause = compactionPause ?? StoreServerOptions.DefaultCompactionPause;
        Simulator = new Simulator(seed, new SimulatorOptions { Network = new NetworkOptions { Registry = HaystackMessageTypes.CreateRegistry() } });
        DirectoryOptions = directory ?? new DirectoryOptions
        {
            VolumeBytes = 64 * 1024,
            FullMarginBytes = 8 * 1024,
            MinWritableVolumes = 2,
        };
        DirectoryNodes = [new(1), new(2), new(3)];
        StoreNodes = [.. Enumerable.Range(11, stores).Select(i => new NodeId((ulong)i))];
        foreach (var id in DirectoryNodes)
        {
            AddDirectoryNode(id);
        }

        foreach (var id in StoreNodes)
        {
            AddStore(id, maxUploadBytes);
        }

        Simulator.AddNode(CacheNode, env => Cache = new PhotoCache(env.CreateMessageBus(), env.Time, new PhotoCacheOptions { CapacityBytes = 16 * 1024, MaxPhotoBytes = 8 * 1024, TimeToLive = CacheTimeToLive }));
        Simulator.AddNode(ClientNode, env =>
        {
            var bus = env.CreateMessageBus();
            ClientBus = bus;
            Directory = new DirectoryClient(bus, DirectoryNodes, env.Time, FastClient);
            Client = new HaystackClient(bus, Directory, env.Time, env.Random, new HaystackClientOptions { MaxUploadBytes = maxUploadBytes, StoreRequestTimeout = TimeSpan.FromMilliseconds(500), Caches = [CacheNode] });
        });
    }

    public static RaftClientOptions FastClient { get; } = new()
    {
        RequestTimeout = TimeSpan.FromMilliseconds(500),
        OperationTimeout = TimeSpan.FromSeconds(20),
        KeepAliveInterval = TimeSpan.FromSeconds(1),
    };

    public Simulator Simulator { get; }

    public DirectoryOptions DirectoryOptions { get; }

    public IReadOnlyList<NodeId> DirectoryNodes { get; }

    public IReadOnlyList<NodeId> StoreNodes { get; }

    public PhotoCache Cache { get; private set; } = null!;

    public DirectoryClient Directory { get; private set; } = null!;

    public HaystackClient Client { get; private set; } = null!;

    /// <summary>The client node's bus, for hand-made (hostile) requests.</summary>
    public MessageBus ClientBus { get; private set; } = null!;

    public StoreServer? Store(NodeId id) => _stores[id];

    public DirectoryServer? DirectoryServer(NodeId id) => _directory[id].Server;

    public IEnumerable<DirectoryServer> RunningDirectoryServers =>
        _directory.Where(p => p.Value.Server is not null && Simulator.GetNode(p.Key).IsUp).Select(p => p.Value.Server!);

    public DirectoryServer? Leader() =>
        RunningDirectoryServers.Where(s => s.Node.Status.IsLeader).OrderByDescending(s => s.Node.Status.Term).FirstOrDefault();

    public T Run<T>(Func<Task<T>> body, TimeSpan? timeout = null) => Simulator.Run(body, timeout ?? TimeSpan.FromSeconds(60));

    public void Run(Func<Task> body, TimeSpan? timeout = null) => Simulator.Run(body, timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>Runs until some Directory node leads and at least <paramref name="count"/> logical volumes are writable.</summary>
    public void WaitForWritableVolumes(int count, TimeSpan? timeout = null)
    {
        var ok = Simulator.RunUntil(
            () => Leader() is { } leader && leader.StateMachine.Volumes.Count(v => v.State == LogicalVolumeState.Writable) >= count,
            timeout ?? TimeSpan.FromSeconds(10));
        Assert.That(ok, Is.True, $"{count} writable volumes within the timeout; have: " + string.Join(", ", Leader()?.StateMachine.Volumes.Select(v => $"{v.VolumeId}:{v.State}") ?? []));
    }

    public void CrashDirectory(NodeId id)
    {
        Simulator.GetNode(id).Crash();
        _directory[id].Server = null;
    }

    public void RestartDirectory(NodeId id) => Simulator.GetNode(id).Restart();

    public void CrashStore(NodeId id)
    {
        Simulator.GetNode(id).Crash();
        _stores[id] = null;
    }

    /// <summary>Restarts a crashed Store on its disk (what an fsync covered survives).</summary>
    public void RestartStore(NodeId id) => Simulator.GetNode(id).Restart();

    /// <summary>Reads a photo straight from one Store, bypassing the client's fallbacks, to see what that replica serves.</summary>
    public StoreResponse ReadFrom(NodeId store, PhotoLocation photo) =>
        Run(() => ClientBus.RequestAsync<StoreResponse>(
            store,
            new StoreReadRequest { VolumeId = photo.VolumeId, Key = photo.Key, AlternateKey = photo.AlternateKey, Cookie = photo.Cookie },
            TimeSpan.FromSeconds(2)));

    /// <summary>Runs until no replica of any volume is repairing or unhealthy (on the leader's state), or fails the test.</summary>
    public void WaitForRepairs(TimeSpan? timeout = null)
    {
        var ok = Simulator.RunUntil(
            () => Leader() is { } leader && leader.StateMachine.Volumes.All(v => v.Replicas.All(r => r.Healthy && !r.Repairing)),
            timeout ?? TimeSpan.FromSeconds(30));
        Assert.That(ok, Is.True, "every replica healthy within the timeout; have: " + DescribeReplicas());
    }

    /// <summary>Every volume's replicas as the leader sees them, for failure messages.</summary>
    public string DescribeReplicas() =>
        string.Join("; ", Leader()?.StateMachine.Volumes.Select(v =>
            $"{v.VolumeId} {v.State} [{string.Join(",", v.Replicas.Select(r => $"{r.Store}{(r.Healthy ? "+" : "-")}{(r.Repairing ? $"<{r.RepairSource}" : string.Empty)}{(r.Corrupt ? "!" : string.Empty)}"))}]") ?? []);

    /// <summary>Flips one bit of a needle's data in a Store's volume file, behind the Store's back.</summary>
    public void CorruptNeedleData(NodeId store, uint volumeId, long offsetInFile)
    {
        Run(async () =>
        {
            var disk = Simulator.GetNode(store).Disk;
            var file = await disk.OpenAsync($"volume-{volumeId}.dat", StorageOpenMode.OpenExisting);
            var one = new byte[1];
            await file.ReadAsync(offsetInFile, one);
            one[0] ^= 0x10;
            await file.WriteAsync(offsetInFile, one);
            await file.FlushAsync();
            await file.DisposeAsync();
        });
    }

    /// <summary>Every running Directory node that has applied as far as the leader agrees with it on every decision.</summary>
    public void AssertDirectoryReplicasAgree()
    {
        var leader = Leader();
        Assert.That(leader, Is.Not.Null, "a leader");
        var ok = Simulator.RunUntil(
            () => RunningDirectoryServers.All(s => s.Node.Status.AppliedIndex >= leader!.Node.Status.CommitIndex),
            TimeSpan.FromSeconds(10));
        Assert.That(ok, Is.True, "all running Directory nodes caught up");
        var expected = Describe(leader!.StateMachine);
        foreach (var server in RunningDirectoryServers)
        {
            Assert.That(Describe(server.StateMachine), Is.EqualTo(expected), $"{server.Node.Id} agrees with the leader {leader.Node.Id}");
            Assert.That(server.Node.Status.Fault, Is.Null, $"{server.Node.Id} runs");
        }
    }

    private static string Describe(DirectoryStateMachine machine) =>
        $"next key {machine.NextKey}; " + string.Join("; ", machine.Volumes.Select(v =>
            $"{v.VolumeId} {v.State} {v.ReadOnlyReason} {v.UploadsAssigned} [{string.Join(",", v.Replicas.Select(r => $"{r.Store}{(r.Healthy ? "+" : "-")}{(r.Repairing ? $"<{r.RepairSource}" : string.Empty)}{(r.Corrupt ? "!" : string.Empty)}~{r.PendingDeletes}"))}]"));

    private void AddDirectoryNode(NodeId id)
    {
        var slot = new DirectorySlot();
        _directory[id] = slot;
        Simulator.AddNode(id, async env =>
        {
            slot.Server = await Haystack.DirectoryServer.StartAsync(
                new RaftNodeOptions
                {
                    NodeId = id,
                    InitialMembers = DirectoryNodes,
                    TickInterval = TimeSpan.FromMilliseconds(50),
                    Raft = new RaftOptions { ElectionTimeoutTicks = 10, HeartbeatIntervalTicks = 2 },
                },
                new DirectoryServerOptions
                {
                    Directory = DirectoryOptions,
                    StoreTimeout = TimeSpan.FromSeconds(1),
                    MonitorInterval = TimeSpan.FromMilliseconds(200),
                },
                slot.Log,
                slot.Snapshots,
                env.CreateMessageBus(),
                env.Time,
                env.Random,
                env.LoggerFactory);
        });
    }

    private void AddStore(NodeId id, int maxUploadBytes)
    {
        _stores[id] = null;
        Simulator.AddNode(id, async env =>
        {
            _stores[id] = await StoreServer.StartAsync(
                new StoreServerOptions
                {
                    DirectoryNodes = DirectoryNodes,
                    CapacityBytes = 1024 * 1024,
                    HeartbeatInterval = TimeSpan.FromMilliseconds(200),
                    MaxNeedleDataBytes = maxUploadBytes,
                    DirectoryClient = FastClient,
                    RepairBatchBytes = _repairBatchBytes,
                    RepairRequestTimeout = TimeSpan.FromSeconds(1),
                    MinCompactionReclaimableBytes = _minCompactionReclaimableBytes,
                    CompactionPause = _compactionPause,
                },
                env.Storage,
                env.CreateMessageBus(),
                env.Time,
                env.LoggerFactory);
        });
    }

    private sealed class DirectorySlot
    {
        public MemoryRaftLog Log { get; } = new();

        public MemorySnapshotStore Snapshots { get; } = new();

        public DirectoryServer? Server { get; set; }
    }
}
