using Cluster.Core;
using Gfs;
using Microsoft.Extensions.Logging;
using Raft.Core;

namespace FileSystem;

/// <summary>One master node: a <see cref="MasterServer"/> with its Raft log and snapshots in a folder, on its own TCP transport.</summary>
internal sealed class MasterHost : IAsyncDisposable
{
    private readonly MessageBus _bus;
    private readonly ILogStore _log;
    private readonly ISnapshotStore _snapshots;

    private MasterHost(TcpTransport transport, MessageBus bus, MasterServer server, ILogStore log, ISnapshotStore snapshots)
    {
        Transport = transport;
        _bus = bus;
        Server = server;
        _log = log;
        _snapshots = snapshots;
    }

    public TcpTransport Transport { get; }

    public MasterServer Server { get; }

    public NodeAddress Address => Transport.BoundAddress;

    public static async Task<MasterHost> StartAsync(
        NodeAddress address,
        IEnumerable<NodeAddress> peers,
        IReadOnlyList<NodeId> masters,
        long chunkSize,
        string folder,
        ILoggerFactory loggerFactory)
    {
        var transport = FileSystemSettings.CreateTransport(address, peers, loggerFactory);
        var bus = FileSystemSettings.CreateBus(transport, loggerFactory);
        var storage = new DiskFileStorage(folder);
        var log = await SegmentedLogStore.OpenAsync(storage);
        var snapshots = await FileSnapshotStore.OpenAsync(storage);
        var server = await MasterServer.StartAsync(
            FileSystemSettings.Master(chunkSize),
            FileSystemSettings.Raft(address.Id, masters),
            log,
            snapshots,
            bus,
            TimeProvider.System,
            RandomSource.FromEntropy(),
            loggerFactory);

        // Listen only once the handlers are on the bus, so no early message finds nobody to take it.
        await transport.StartAsync();
        return new MasterHost(transport, bus, server, log, snapshots);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await _bus.DisposeAsync();
        await Transport.DisposeAsync();
        await _log.DisposeAsync();
        await _snapshots.DisposeAsync();
    }
}
