using System.Net;
using Cluster.Core;
using Microsoft.Extensions.Logging;
using Raft.Core;

namespace KvStore;

/// <summary>Three replicas and a client in one process over loopback TCP; replicas can be killed and restarted on their ports.</summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly ReplicatedKeyValueStore?[] _replicas = new ReplicatedKeyValueStore?[3];
    private readonly NodeAddress[] _addresses = new NodeAddress[3];
    private readonly string _dataFolder;
    private readonly ILoggerFactory _loggerFactory;
    private TcpTransport? _clientTransport;

    private LocalCluster(string dataFolder, ILoggerFactory loggerFactory)
    {
        _dataFolder = dataFolder;
        _loggerFactory = loggerFactory;
    }

    public RaftClient Client { get; private set; } = null!;

    public IReadOnlyList<NodeId> Members { get; } = [new NodeId(1), new NodeId(2), new NodeId(3)];

    public static async Task<LocalCluster> StartAsync(string dataFolder, ILoggerFactory loggerFactory)
    {
        var cluster = new LocalCluster(dataFolder, loggerFactory);

        // Ports are chosen by the system, so the client goes first and every replica learns every address once all are bound.
        var clientTransport = await ReplicatedKeyValueStore.StartClientTransportAsync(new NodeAddress(new NodeId(100), IPAddress.Loopback.ToString(), 0), [], loggerFactory);
        cluster._clientTransport = clientTransport;
        for (var i = 0; i < 3; i++)
        {
            var address = new NodeAddress(cluster.Members[i], IPAddress.Loopback.ToString(), 0);
            cluster._replicas[i] = await ReplicatedKeyValueStore.StartAsync(address, [clientTransport.BoundAddress], cluster.Members, cluster.Folder(i), loggerFactory);
            cluster._addresses[i] = cluster._replicas[i]!.Address;
        }

        cluster.ConnectAll();
        cluster.Client = ReplicatedKeyValueStore.CreateClient(clientTransport, cluster.Members, loggerFactory);
        return cluster;
    }

    public ReplicatedKeyValueStore? Replica(NodeId id) => _replicas[Index(id)];

    public IEnumerable<ReplicatedKeyValueStore> Running => _replicas.Where(r => r is not null)!;

    public async Task KillAsync(NodeId id)
    {
        var i = Index(id);
        if (_replicas[i] is { } replica)
        {
            _replicas[i] = null;
            await replica.DisposeAsync();
        }
    }

    public async Task RestartAsync(NodeId id)
    {
        var i = Index(id);
        if (_replicas[i] is not null)
        {
            return;
        }

        _replicas[i] = await ReplicatedKeyValueStore.StartAsync(_addresses[i], [.. _addresses, _clientTransport!.BoundAddress], Members, Folder(i), _loggerFactory);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        foreach (var replica in Running.ToList())
        {
            await replica.DisposeAsync();
        }

        if (_clientTransport is not null)
        {
            await _clientTransport.DisposeAsync();
        }
    }

    private void ConnectAll()
    {
        foreach (var replica in Running)
        {
            foreach (var address in _addresses.Where(a => a.Id != replica.Address.Id))
            {
                replica.Transport.AddOrUpdatePeer(address);
            }
        }

        foreach (var address in _addresses)
        {
            _clientTransport!.AddOrUpdatePeer(address);
        }
    }

    private string Folder(int i) => Path.Combine(_dataFolder, Members[i].ToString());

    private int Index(NodeId id) => Members.ToList().IndexOf(id) is var i and >= 0 ? i : throw new ArgumentException($"No replica {id}; the replicas are n1, n2 and n3.");
}
