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
    private readonly MasterLock? _masterLock;

    private MasterHost(TcpTransport transport, MessageBus bus, MasterServer server, ILogStore log, ISnapshotStore snapshots, MasterLock? masterLock)
    {
        Transport = transport;
        _bus = bus;
        Server = server;
        _log = log;
        _snapshots = snapshots;
        _masterLock = masterLock;
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
        IReadOnlyList<NodeId>? chubbyCell,
        ILoggerFactory loggerFactory)
    {
        var transport = FileSystemSettings.CreateTransport(address, peers, loggerFactory);
        var bus = FileSystemSettings.CreateBus(transport, loggerFactory);

        // With a Chubby cell the Raft leader also takes the master lock before it acts, and writes its id into the lock file.
        var masterLock = chubbyCell is null ? null : FileSystemSettings.CreateMasterLock(bus, chubbyCell, loggerFactory);
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
            loggerFactory,
            masterLock);

        // Listen only once the handlers are on the bus, so no early message finds nobody to take it.
        await transport.StartAsync();
        return new MasterHost(transport, bus, server, log, snapshots, masterLock);
    }

    public async ValueTask DisposeAsync()
    {
        // The server releases the master lock if it holds it, so the next master need not wait out the lock-delay.
        await Server.DisposeAsync();
        if (_masterLock is not null)
        {
            await _masterLock.DisposeAsync();
        }

        await _bus.DisposeAsync();
        await Transport.DisposeAsync();
        await _log.DisposeAsync();
        await _snapshots.DisposeAsync();
    }
}
