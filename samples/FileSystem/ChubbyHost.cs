using Chubby;
using Cluster.Core;
using Microsoft.Extensions.Logging;
using Raft.Core;

namespace FileSystem;

/// <summary>
/// One replica of the Chubby cell that elects the file system's master (<c>--chubby</c>): a <see cref="ChubbyServer"/> with its
/// Raft log and snapshots in a folder, on its own TCP transport with the file system's cluster id and secret.
/// </summary>
internal sealed class ChubbyHost : IAsyncDisposable
{
    private readonly MessageBus _bus;
    private readonly ILogStore _log;
    private readonly ISnapshotStore _snapshots;

    private ChubbyHost(TcpTransport transport, MessageBus bus, ChubbyServer server, ILogStore log, ISnapshotStore snapshots)
    {
        Transport = transport;
        _bus = bus;
        Server = server;
        _log = log;
        _snapshots = snapshots;
    }

    public TcpTransport Transport { get; }

    public ChubbyServer Server { get; }

    public NodeAddress Address => Transport.BoundAddress;

    public static async Task<ChubbyHost> StartAsync(NodeAddress address, IEnumerable<NodeAddress> peers, IReadOnlyList<NodeId> cell, string folder, ILoggerFactory loggerFactory)
    {
        var transport = FileSystemSettings.CreateTransport(address, peers, loggerFactory);
        var bus = FileSystemSettings.CreateBus(transport, loggerFactory);
        Directory.CreateDirectory(folder);
        var storage = new DiskFileStorage(folder);
        var log = await SegmentedLogStore.OpenAsync(storage);
        var snapshots = await FileSnapshotStore.OpenAsync(storage);
        var server = await ChubbyServer.StartAsync(
            FileSystemSettings.ChubbyCellOptions,
            new RaftNodeOptions { NodeId = address.Id, InitialMembers = cell },
            log,
            snapshots,
            bus,
            TimeProvider.System,
            RandomSource.FromEntropy(),
            loggerFactory);
        await transport.StartAsync();
        return new ChubbyHost(transport, bus, server, log, snapshots);
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
