using Cluster.Core;
using Gfs;
using Microsoft.Extensions.Logging;

namespace FileSystem;

/// <summary>One chunkserver: a <see cref="ChunkServer"/> over a <see cref="ChunkStore"/> in a folder, on its own TCP transport.</summary>
internal sealed class ChunkserverHost : IAsyncDisposable
{
    private readonly MessageBus _bus;

    private ChunkserverHost(TcpTransport transport, MessageBus bus, ChunkServer server, ChunkStore store, string rack)
    {
        Transport = transport;
        _bus = bus;
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
        ILoggerFactory loggerFactory)
    {
        var transport = FileSystemSettings.CreateTransport(address, peers, loggerFactory);
        var bus = FileSystemSettings.CreateBus(transport, loggerFactory);
        var store = await ChunkStore.OpenAsync(new DiskFileStorage(folder), new ChunkStoreOptions { ChunkSizeBytes = chunkSize }, loggerFactory);
        var server = ChunkServer.Start(FileSystemSettings.Chunkserver(masters, rack), store, bus, TimeProvider.System, loggerFactory);
        await transport.StartAsync();
        return new ChunkserverHost(transport, bus, server, store, rack);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await _bus.DisposeAsync();
        await Transport.DisposeAsync();
        await Store.DisposeAsync();
    }
}
