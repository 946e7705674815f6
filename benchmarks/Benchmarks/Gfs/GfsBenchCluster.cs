using System.Net;
using Cluster.Core;
using global::Gfs;
using Microsoft.Extensions.Logging.Abstractions;
using Raft.Core;

namespace Benchmarks.Gfs;

/// <summary>
/// A GFS in this process over loopback TCP: three masters (Raft logs on disk), chunkservers on two racks and client nodes, each
/// with its own transport, every file under one folder of the disk being measured.
/// </summary>
internal sealed class GfsBenchCluster : IAsyncDisposable
{
    private static readonly NodeId[] MasterIds = [new(1), new(2), new(3)];

    private readonly List<Node> _nodes = [];
    private readonly List<GfsClient> _clients = [];

    private GfsBenchCluster(MasterOptions master, GfsClientOptions client)
    {
        Master = master;
        ClientOptions = client;
    }

    public MasterOptions Master { get; }

    public GfsClientOptions ClientOptions { get; }

    public DiskCounters Disk { get; } = new();

    public IReadOnlyList<GfsClient> Clients => _clients;

    public IEnumerable<ChunkServer> Chunkservers => _nodes.Where(n => n.Chunkserver is not null).Select(n => n.Chunkserver!);

    public static async Task<GfsBenchCluster> StartAsync(string folder, int chunkservers, int clients, long chunkSize, GfsClientOptions clientOptions)
    {
        var master = new MasterOptions
        {
            ChunkSize = chunkSize,
            SettleTime = TimeSpan.FromSeconds(1),
            MaintenanceInterval = TimeSpan.FromSeconds(1),

            // Deleted files are reclaimed at once, so each phase's files leave the disk before the next phase fills it.
            TrashDelay = TimeSpan.Zero,
        };
        var cluster = new GfsBenchCluster(master, clientOptions);
        try
        {
            var codec = new MessageCodec(GfsMessageTypes.CreateRegistry());
            var chunkserverIds = Enumerable.Range(11, chunkservers).Select(i => new NodeId((ulong)i)).ToArray();
            var clientIds = Enumerable.Range(100, clients).Select(i => new NodeId((ulong)i)).ToArray();

            // Every transport listens (on a port the system picks) and learns every address before any server starts.
            foreach (var id in MasterIds.Concat(chunkserverIds).Concat(clientIds))
            {
                cluster._nodes.Add(await Node.ListenAsync(id, codec));
            }

            foreach (var node in cluster._nodes)
            {
                foreach (var other in cluster._nodes.Where(o => o != node))
                {
                    node.Transport.AddOrUpdatePeer(other.Transport.BoundAddress);
                }
            }

            foreach (var node in cluster._nodes.Where(n => MasterIds.Contains(n.Id)))
            {
                await node.StartMasterAsync(master, Path.Combine(folder, node.Id.ToString()));
            }

            foreach (var node in cluster._nodes.Where(n => chunkserverIds.Contains(n.Id)))
            {
                var storage = new TimedStorage(new DiskFileStorage(Path.Combine(folder, node.Id.ToString())), cluster.Disk);
                await node.StartChunkserverAsync(storage, chunkSize, $"rack-{node.Id.Value % 2}");
            }

            foreach (var node in cluster._nodes.Where(n => clientIds.Contains(n.Id)))
            {
                cluster._clients.Add(node.StartClient(clientOptions));
            }

            await cluster.WaitUntilReadyAsync(chunkservers);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>Waits for a leader that knows every chunkserver and has settled (it places no chunk before).</summary>
    private async Task WaitUntilReadyAsync(int chunkservers)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var leader = _nodes.Select(n => n.Master).FirstOrDefault(m => m is not null && m.Node.Status.IsLeader);
            if (leader is not null && leader.LiveChunkservers.Count == chunkservers)
            {
                await Task.Delay(Master.SettleTime + TimeSpan.FromMilliseconds(200));
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The GFS cluster did not come up within 30 s.");
    }

    /// <summary>One node: a transport, a bus, and a master, a chunkserver or a client.</summary>
    private sealed class Node : IAsyncDisposable
    {
        private MessageBus? _bus;
        private ILogStore? _log;
        private ISnapshotStore? _snapshots;
        private ChunkStore? _store;

        private Node(TcpTransport transport) => Transport = transport;

        public TcpTransport Transport { get; }

        public NodeId Id => Transport.LocalNode;

        public MasterServer? Master { get; private set; }

        public ChunkServer? Chunkserver { get; private set; }

        public static async Task<Node> ListenAsync(NodeId id, MessageCodec codec)
        {
            var transport = new TcpTransport(
                new TcpTransportOptions { LocalAddress = new NodeAddress(id, IPAddress.Loopback.ToString(), 0), ClusterId = "bench-gfs", Codec = codec },
                TimeProvider.System,
                RandomSource.FromEntropy(),
                NullLoggerFactory.Instance);
            await transport.StartAsync();
            return new Node(transport);
        }

        public async Task StartMasterAsync(MasterOptions options, string folder)
        {
            var storage = new DiskFileStorage(folder);
            _log = await SegmentedLogStore.OpenAsync(storage);
            _snapshots = await FileSnapshotStore.OpenAsync(storage);
            Master = await MasterServer.StartAsync(
                options, new RaftNodeOptions { NodeId = Id, InitialMembers = MasterIds }, _log, _snapshots, Bus(), TimeProvider.System, RandomSource.FromEntropy());
        }

        public async Task StartChunkserverAsync(IFileStorage storage, long chunkSize, string rack)
        {
            _store = await ChunkStore.OpenAsync(storage, new ChunkStoreOptions { ChunkSizeBytes = chunkSize });
            Chunkserver = ChunkServer.Start(new ChunkServerOptions { Masters = MasterIds, Rack = rack, HeartbeatInterval = TimeSpan.FromSeconds(1) }, _store, Bus(), TimeProvider.System);
        }

        public GfsClient StartClient(GfsClientOptions options) => new(Bus(), MasterIds, TimeProvider.System, RandomSource.FromEntropy(), options);

        public async ValueTask DisposeAsync()
        {
            if (Master is not null)
            {
                await Master.DisposeAsync();
            }

            if (Chunkserver is not null)
            {
                await Chunkserver.DisposeAsync();
            }

            if (_bus is not null)
            {
                await _bus.DisposeAsync();
            }

            await Transport.DisposeAsync();
            if (_store is not null)
            {
                await _store.DisposeAsync();
            }

            if (_log is not null)
            {
                await _log.DisposeAsync();
            }

            if (_snapshots is not null)
            {
                await _snapshots.DisposeAsync();
            }
        }

        private MessageBus Bus() => _bus ??= new MessageBus(Transport, TimeProvider.System);
    }
}
