using Cluster.Core;
using Gfs;
using Microsoft.Extensions.Logging;

namespace FileSystem;

/// <summary>
/// A <see cref="GfsClient"/> on its own TCP transport. It listens too: answers come back on the responder's own connection,
/// so every master and chunkserver must know the client's address.
/// </summary>
internal sealed class ClientHost : IAsyncDisposable
{
    private readonly MessageBus _bus;

    private ClientHost(TcpTransport transport, MessageBus bus, GfsClient client)
    {
        Transport = transport;
        _bus = bus;
        Client = client;
    }

    public TcpTransport Transport { get; }

    public GfsClient Client { get; }

    public NodeAddress Address => Transport.BoundAddress;

    public static async Task<ClientHost> StartAsync(NodeAddress address, IEnumerable<NodeAddress> peers, IReadOnlyList<NodeId> masters, ILoggerFactory loggerFactory)
    {
        var transport = FileSystemSettings.CreateTransport(address, peers, loggerFactory);
        var bus = FileSystemSettings.CreateBus(transport, loggerFactory);
        var client = new GfsClient(bus, masters, TimeProvider.System, RandomSource.FromEntropy(), FileSystemSettings.Client);
        await transport.StartAsync();
        return new ClientHost(transport, bus, client);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await _bus.DisposeAsync();
        await Transport.DisposeAsync();
    }
}
