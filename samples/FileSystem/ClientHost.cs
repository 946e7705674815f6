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

    private ClientHost(TcpTransport transport, MessageBus bus, GfsClient client, MasterLock? masterLock)
    {
        Transport = transport;
        _bus = bus;
        Client = client;
        MasterLock = masterLock;
    }

    public TcpTransport Transport { get; }

    public GfsClient Client { get; }

    /// <summary>The client's binding to the master lock (null without Chubby).</summary>
    public MasterLock? MasterLock { get; }

    public NodeAddress Address => Transport.BoundAddress;

    public static async Task<ClientHost> StartAsync(NodeAddress address, IEnumerable<NodeAddress> peers, IReadOnlyList<NodeId> masters, IReadOnlyList<NodeId>? chubbyCell, ILoggerFactory loggerFactory)
    {
        var transport = FileSystemSettings.CreateTransport(address, peers, loggerFactory);
        var bus = FileSystemSettings.CreateBus(transport, loggerFactory);

        // With a Chubby cell the client needs no list of masters: it reads the master's id from the lock file.
        var masterLock = chubbyCell is null ? null : FileSystemSettings.CreateMasterLock(bus, chubbyCell, loggerFactory);
        var client = masterLock is null
            ? new GfsClient(bus, masters, TimeProvider.System, RandomSource.FromEntropy(), FileSystemSettings.Client)
            : new GfsClient(bus, masterLock, TimeProvider.System, RandomSource.FromEntropy(), FileSystemSettings.Client);
        await transport.StartAsync();
        return new ClientHost(transport, bus, client, masterLock);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        if (MasterLock is not null)
        {
            await MasterLock.DisposeAsync();
        }

        await _bus.DisposeAsync();
        await Transport.DisposeAsync();
    }
}
