using Cluster.Core;
using Microsoft.Extensions.Logging;
using Raft.Core;

namespace KvStore;

/// <summary>One replica: the plain <see cref="KeyValueStore"/> behind a <see cref="RaftNode"/>, over TCP, with its data in a folder.</summary>
public sealed class ReplicatedKeyValueStore : IAsyncDisposable
{
    private ReplicatedKeyValueStore(NodeAddress address, TcpTransport transport, MessageBus bus, RaftNode node, ILogStore log, ISnapshotStore snapshots)
    {
        Address = address;
        Transport = transport;
        Bus = bus;
        Node = node;
        Log = log;
        Snapshots = snapshots;
    }

    public NodeAddress Address { get; }

    public TcpTransport Transport { get; }

    public MessageBus Bus { get; }

    public RaftNode Node { get; }

    private ILogStore Log { get; }

    private ISnapshotStore Snapshots { get; }

    /// <summary>The cluster's wire settings: Raft's message types, a cluster name and a shared secret.</summary>
    public static MessageCodec Codec { get; } = new(RaftMessageTypes.CreateRegistry());

    public const string ClusterId = "kvstore";

    public static byte[] Secret { get; } = "kvstore sample secret; use your own"u8.ToArray();

    public static async Task<ReplicatedKeyValueStore> StartAsync(
        NodeAddress address,
        IReadOnlyList<NodeAddress> peers,
        IReadOnlyList<NodeId> members,
        string dataFolder,
        ILoggerFactory loggerFactory)
    {
        var transport = new TcpTransport(
            new TcpTransportOptions
            {
                LocalAddress = address,
                ClusterId = ClusterId,
                Codec = Codec,
                ClusterSecret = Secret,
                Peers = [.. peers.Where(p => p.Id != address.Id)],
            },
            TimeProvider.System,
            RandomSource.FromEntropy(),
            loggerFactory);
        var bus = new MessageBus(transport, TimeProvider.System, loggerFactory: loggerFactory);

        // The few lines that make the dictionary replicated: an adapter, durable stores, a node.
        var machine = new MessagePackStateMachine<KeyValueStore, KeyValueCommand, KeyValueQuery, string?>(
            new KeyValueStore(),
            apply: (store, command) => store.Apply(command),
            query: (store, query) => store.Get(query.Key));
        var storage = new DiskFileStorage(dataFolder);
        var log = await SegmentedLogStore.OpenAsync(storage);
        var snapshots = await FileSnapshotStore.OpenAsync(storage);
        var node = await RaftNode.StartAsync(
            new RaftNodeOptions { NodeId = address.Id, InitialMembers = members, SnapshotThresholdEntries = 1_000 },
            machine, log, snapshots, bus, TimeProvider.System, RandomSource.FromEntropy(), loggerFactory);

        // Listen only once the node's handlers are on the bus, so no early message finds nobody to take it.
        await transport.StartAsync();
        return new ReplicatedKeyValueStore(transport.BoundAddress, transport, bus, node, log, snapshots);
    }

    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        await Bus.DisposeAsync();
        await Transport.DisposeAsync();
        await Log.DisposeAsync();
        await Snapshots.DisposeAsync();
    }

    /// <summary>A client of the cluster on its own transport, which listens at <paramref name="address"/> for the answers.</summary>
    public static async Task<(RaftClient Client, TcpTransport Transport)> ConnectClientAsync(NodeAddress address, IReadOnlyList<NodeAddress> servers, ILoggerFactory loggerFactory)
    {
        var transport = await StartClientTransportAsync(address, servers, loggerFactory);
        return (CreateClient(transport, servers.Select(s => s.Id), loggerFactory), transport);
    }

    public static async Task<TcpTransport> StartClientTransportAsync(NodeAddress address, IReadOnlyList<NodeAddress> servers, ILoggerFactory loggerFactory)
    {
        var transport = new TcpTransport(
            new TcpTransportOptions
            {
                LocalAddress = address,
                ClusterId = ClusterId,
                Codec = Codec,
                ClusterSecret = Secret,
                Peers = servers,
            },
            TimeProvider.System,
            RandomSource.FromEntropy(),
            loggerFactory);
        await transport.StartAsync();
        return transport;
    }

    public static RaftClient CreateClient(TcpTransport transport, IEnumerable<NodeId> servers, ILoggerFactory loggerFactory) =>
        new(new MessageBus(transport, TimeProvider.System, loggerFactory: loggerFactory), servers, TimeProvider.System, new RaftClientOptions
        {
            RequestTimeout = TimeSpan.FromSeconds(1),
            OperationTimeout = TimeSpan.FromSeconds(15),
        });
}
