using Cluster.Core;
using Gfs;
using Microsoft.Extensions.Logging;

namespace FileSystem;

/// <summary>One chunkserver: a <see cref="ChunkServer"/> over a <see cref="ChunkStore"/> in a folder, on its own TCP transport.</summary>
internal sealed class ChunkserverHost : IAsyncDisposable
{
    private readonly MessageBus _bus;
    private readonly MasterLock? _masterLock;

    private ChunkserverHost(TcpTransport transport, MessageBus bus, ChunkServer server, ChunkStore store, string rack, MasterLock? masterLock)
    {
        Transport = transport;
        _bus = bus;
        _masterLock = masterLock;
        Server = server;
        Store = store;
        Rack = rack;
    }

    public TcpTransport Transport { get; }

    public ChunkServer Server { get; }

    public ChunkStore Store { get; }

    public string Rack { get; }

    public NodeAddress Address => Transport.BoundAddress;

    public static async Task<ChunkserverHost> StartAsync(
        NodeAddress address,
        IEnumerable<NodeAddress> peers,
        IReadOnlyList<NodeId> masters,
        string rack,
        long chunkSize,
        string folder,
        IReadOnlyList<NodeId>? chubbyCell,
        ILoggerFactory loggerFactory)
    {
        var transport = FileSystemSettings.CreateTransport(address, peers, loggerFactory);
        var bus = FileSystemSettings.CreateBus(transport, loggerFactory);
        var store = await ChunkStore.OpenAsync(new DiskFileStorage(folder), new ChunkStoreOptions { ChunkSizeBytes = chunkSize }, loggerFactory);

        // With a Chubby cell, heartbeats go to the master the lock file names (commands are still taken only from the masters).
        var masterLock = chubbyCell is null ? null : FileSystemSettings.CreateMasterLock(bus, chubbyCell, loggerFactory);
        var server = ChunkServer.Start(FileSystemSettings.Chunkserver(masters, rack), store, bus, TimeProvider.System, loggerFactory, masterLock);
        await transport.StartAsync();
        return new ChunkserverHost(transport, bus, server, store, rack, masterLock);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        if (_masterLock is not null)
        {
            await _masterLock.DisposeAsync();
        }

        await _bus.DisposeAsync();
        await Transport.DisposeAsync();
        await Store.DisposeAsync();
    }
}
