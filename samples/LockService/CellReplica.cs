using Chubby;
using Cluster.Core;
using Microsoft.Extensions.Logging;
using Raft.Core;

namespace LockService;

/// <summary>One replica of the cell: a TCP transport, a durable Raft log and snapshot store in its own folder, and a <see cref="ChubbyServer"/>.</summary>
public sealed class CellReplica : IAsyncDisposable
{
    private readonly MessageBus _bus;
    private readonly ILogStore _log;
    private readonly ISnapshotStore _snapshots;

    private CellReplica(TcpTransport transport, MessageBus bus, ChubbyServer server, ILogStore log, ISnapshotStore snapshots)
    {
        Transport = transport;
        _bus = bus;
        Server = server;
        _log = log;
        _snapshots = snapshots;
    }

    /// <summary>The replica's transport (to tell it about peers that moved or joined).</summary>
    public TcpTransport Transport { get; }

    /// <summary>The Chubby replica: master while its Raft node leads.</summary>
    public ChubbyServer Server { get; }

    /// <summary>Where the replica listens (the bound port when it asked for port 0).</summary>
    public NodeAddress Address => Transport.BoundAddress;

    /// <summary>
    /// Starts a replica: opens (or recovers) its log and snapshots under <paramref name="folder"/>, starts the server, then listens.
    /// </summary>
    /// <param name="address">Its id and listen address (port 0 for any free port).</param>
    /// <param name="peers">The other replicas and the clients it answers.</param>
    /// <param name="members">The ids of the cell's replicas (the founding Raft membership).</param>
    /// <param name="folder">Its data folder, created when missing.</param>
    /// <param name="loggerFactory">Where to log.</param>
    public static async Task<CellReplica> StartAsync(NodeAddress address, IEnumerable<NodeAddress> peers, IReadOnlyList<NodeId> members, string folder, ILoggerFactory loggerFactory)
    {
        var transport = Wiring.CreateTransport(address, peers, loggerFactory);
        var bus = new MessageBus(transport, TimeProvider.System, loggerFactory: loggerFactory);
        Directory.CreateDirectory(folder);
        var storage = new DiskFileStorage(folder);
        var log = await SegmentedLogStore.OpenAsync(storage);
        var snapshots = await FileSnapshotStore.OpenAsync(storage);
        var server = await ChubbyServer.StartAsync(
            new ChubbyServerOptions { CellName = Wiring.CellName },
            new RaftNodeOptions { NodeId = address.Id, InitialMembers = members },
            log, snapshots, bus, TimeProvider.System, RandomSource.FromEntropy(), loggerFactory);
        await transport.StartAsync();
        return new CellReplica(transport, bus, server, log, snapshots);
    }

    /// <summary>Stops the replica as a crash would look to the others (no goodbye); its files stay.</summary>
    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await _bus.DisposeAsync();
        await Transport.DisposeAsync();
        await _log.DisposeAsync();
        await _snapshots.DisposeAsync();
    }
}
