using System.Globalization;
using System.Net;
using Cluster.Core;
using Gfs;
using Microsoft.Extensions.Logging;

namespace FileSystem;

/// <summary>
/// A whole file system in one process over loopback TCP: three masters, four chunkservers on two racks and a few clients, each
/// node with its own transport (and so its own port) and its own data folder; with Chubby, also a Chubby cell of three replicas
/// that elects the master. Nodes can be killed and restarted on their ports.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private readonly Dictionary<NodeId, MasterHost?> _masters = [];
    private readonly Dictionary<NodeId, ChunkserverHost?> _chunkservers = [];
    private readonly Dictionary<NodeId, NodeAddress> _addresses = [];
    private readonly List<ClientHost> _clients = [];
    private readonly List<ChubbyHost> _chubby = [];
    private readonly string _dataFolder;
    private readonly long _chunkSize;
    private readonly ILoggerFactory _loggerFactory;

    private LocalCluster(string dataFolder, long chunkSize, bool chubby, ILoggerFactory loggerFactory)
    {
        _dataFolder = dataFolder;
        _chunkSize = chunkSize;
        _loggerFactory = loggerFactory;
        ChubbyIds = chubby ? [new(201), new(202), new(203)] : [];
    }

    /// <summary>The Chubby cell's replicas; empty when the masters elect with Raft alone.</summary>
    public IReadOnlyList<NodeId> ChubbyIds { get; }

    public bool UsesChubby => ChubbyIds.Count > 0;

    public IReadOnlyList<NodeId> MasterIds { get; } = [new(1), new(2), new(3)];

    public IReadOnlyList<NodeId> ChunkserverIds { get; } = [new(11), new(12), new(13), new(14)];

    public long ChunkSize => _chunkSize;

    public string DataFolder => _dataFolder;

    public IReadOnlyList<GfsClient> Clients => [.. _clients.Select(c => c.Client)];

    public IEnumerable<MasterHost> RunningMasters => _masters.Values.Where(m => m is not null)!;

    public IEnumerable<ChunkserverHost> RunningChunkservers => _chunkservers.Values.Where(c => c is not null)!;

    public static async Task<LocalCluster> StartAsync(string dataFolder, long chunkSize, int clients, bool chubby, ILoggerFactory loggerFactory)
    {
        var cluster = new LocalCluster(dataFolder, chunkSize, chubby, loggerFactory);
        try
        {
            // Ports are chosen by the system, so every node starts on port zero and all learn each other's addresses at the end.
            foreach (var id in cluster.ChubbyIds)
            {
                var replica = await ChubbyHost.StartAsync(Loopback(id), [], cluster.ChubbyIds, cluster.Folder(id), loggerFactory);
                cluster._chubby.Add(replica);
                cluster._addresses[id] = replica.Address;
            }

            for (var i = 0; i < clients; i++)
            {
                var client = await ClientHost.StartAsync(Loopback(new NodeId(100 + (ulong)i)), [], cluster.MasterIds, cluster.Chubby, loggerFactory);
                cluster._clients.Add(client);
                cluster._addresses[client.Address.Id] = client.Address;
            }

            foreach (var id in cluster.ChunkserverIds)
            {
                var host = await ChunkserverHost.StartAsync(Loopback(id), [], cluster.MasterIds, RackOf(id), chunkSize, cluster.Folder(id), cluster.Chubby, loggerFactory);
                cluster._chunkservers[id] = host;
                cluster._addresses[id] = host.Address;
            }

            foreach (var id in cluster.MasterIds)
            {
                var host = await MasterHost.StartAsync(Loopback(id), [], cluster.MasterIds, chunkSize, cluster.Folder(id), cluster.Chubby, loggerFactory);
                cluster._masters[id] = host;
                cluster._addresses[id] = host.Address;
            }

            cluster.ConnectAll();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public static string RackOf(NodeId chunkserver) => chunkserver.Value % 2 == 1 ? "rack-a" : "rack-b";

    public NodeAddress AddressOf(NodeId id) => _addresses[id];

    public MasterHost? Master(NodeId id) => _masters.GetValueOrDefault(id);

    public ChunkserverHost? Chunkserver(NodeId id) => _chunkservers.GetValueOrDefault(id);

    /// <summary>The master that acts as master (leads the group, and holds the Chubby lock when there is a cell), once one does and every running chunkserver has reported to it.</summary>
    public async Task<MasterServer> WaitForLeaderAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var leader = RunningMasters.Select(m => m.Server).Where(s => s.IsMaster).MaxBy(s => s.Node.Status.Term);
            if (leader is not null && RunningChunkservers.All(c => leader.LiveChunkservers.Contains(c.Server.Id)))
            {
                return leader;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No master led with every running chunkserver registered within {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The master the lock file names, read through the first client's Chubby session (none without Chubby).</summary>
    public Task<NodeId> MasterInLockFileAsync() =>
        _clients[0].MasterLock?.FindMasterAsync() ?? Task.FromResult(NodeId.None);

    /// <summary>Stops a node abruptly: its transport closes, nothing is flushed beyond what it had made durable.</summary>
    public async Task KillAsync(NodeId id)
    {
        if (_masters.TryGetValue(id, out var master) && master is not null)
        {
            _masters[id] = null;
            await master.DisposeAsync();
        }
        else if (_chunkservers.TryGetValue(id, out var chunkserver) && chunkserver is not null)
        {
            _chunkservers[id] = null;
            await chunkserver.DisposeAsync();
        }
        else
        {
            throw new ArgumentException($"{id} is not a running master or chunkserver.");
        }
    }

    /// <summary>Starts a stopped node again on its old port from its data folder.</summary>
    public async Task RestartAsync(NodeId id)
    {
        var peers = _addresses.Values.Where(a => a.Id != id).ToList();
        if (_masters.TryGetValue(id, out var master) && master is null)
        {
            _masters[id] = await MasterHost.StartAsync(_addresses[id], peers, MasterIds, _chunkSize, Folder(id), Chubby, _loggerFactory);
        }
        else if (_chunkservers.TryGetValue(id, out var chunkserver) && chunkserver is null)
        {
            _chunkservers[id] = await ChunkserverHost.StartAsync(_addresses[id], peers, MasterIds, RackOf(id), _chunkSize, Folder(id), Chubby, _loggerFactory);
        }
        else
        {
            throw new ArgumentException($"{id} is not a stopped master or chunkserver.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        foreach (var master in RunningMasters.ToList())
        {
            await master.DisposeAsync();
        }

        foreach (var chunkserver in RunningChunkservers.ToList())
        {
            await chunkserver.DisposeAsync();
        }

        foreach (var replica in _chubby)
        {
            await replica.DisposeAsync();
        }
    }

    private IReadOnlyList<NodeId>? Chubby => UsesChubby ? ChubbyIds : null;

    private static NodeAddress Loopback(NodeId id) => new(id, IPAddress.Loopback.ToString(), 0);

    private void ConnectAll()
    {
        IEnumerable<TcpTransport> transports = [.. _chubby.Select(c => c.Transport), .. _clients.Select(c => c.Transport), .. RunningMasters.Select(m => m.Transport), .. RunningChunkservers.Select(c => c.Transport)];
        foreach (var transport in transports)
        {
            foreach (var address in _addresses.Values.Where(a => a.Id != transport.LocalNode))
            {
                transport.AddOrUpdatePeer(address);
            }
        }
    }

    private string Folder(NodeId id) => Path.Combine(
        _dataFolder,
        (MasterIds.Contains(id) ? "master-" : ChubbyIds.Contains(id) ? "chubby-" : "chunkserver-") + id.Value.ToString(CultureInfo.InvariantCulture));
}
