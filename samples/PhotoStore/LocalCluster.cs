using Haystack;
using Microsoft.Extensions.Logging;

namespace PhotoStore;

/// <summary>
/// The whole sample in one process: a Directory of three, three Store machines, a Cache and the front's Haystack client, each
/// on its own loopback TCP transport on a port the system picks, with their files under one data folder.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly List<ClusterNode> _nodes = [];
    private readonly List<DirectoryRole> _directory = [];
    private readonly List<StoreServer> _stores = [];

    private LocalCluster(Topology topology)
    {
        Topology = topology;
    }

    /// <summary>Where each node listens.</summary>
    public Topology Topology { get; private set; }

    /// <summary>The Directory's nodes.</summary>
    public IReadOnlyList<DirectoryRole> Directory => _directory;

    /// <summary>The Store machines.</summary>
    public IReadOnlyList<StoreServer> Stores => _stores;

    /// <summary>The Cache.</summary>
    public PhotoCache Cache { get; private set; } = null!;

    /// <summary>The front's Haystack client.</summary>
    public PhotoFront Front { get; private set; } = null!;

    /// <summary>Starts every role; data goes to one subfolder per node under <paramref name="dataFolder"/>.</summary>
    public static async Task<LocalCluster> StartAsync(string dataFolder, ILoggerFactory loggerFactory, int maxUploadBytes = SampleSettings.DefaultMaxUploadBytes)
    {
        var cluster = new LocalCluster(Topology.Ephemeral());
        try
        {
            await cluster.StartRolesAsync(dataFolder, loggerFactory, maxUploadBytes);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops every role, the front first and the Directory last.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Front is not null)
        {
            await Front.DisposeAsync();
        }

        Cache?.Dispose();
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        foreach (var directory in _directory)
        {
            await directory.DisposeAsync();
        }

        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    private async Task StartRolesAsync(string dataFolder, ILoggerFactory loggerFactory, int maxUploadBytes)
    {
        // Every node binds first, so all of them know each other's ports before any role sends its first message.
        foreach (var address in Topology.All)
        {
            var node = ClusterNode.Create(address, [], loggerFactory);
            _nodes.Add(node);
            await node.StartAsync();
            Topology = Topology.With(node.Address);
        }

        foreach (var node in _nodes)
        {
            node.Connect(Topology.All);
        }

        foreach (var address in Topology.Directory)
        {
            _directory.Add(await DirectoryRole.StartAsync(Node(address), Topology.DirectoryNodes, Folder(dataFolder, address), loggerFactory));
        }

        foreach (var address in Topology.Stores)
        {
            _stores.Add(await StoreServer.StartAsync(SampleSettings.Store(Topology.DirectoryNodes), new Cluster.Core.DiskFileStorage(Folder(dataFolder, address)), Node(address).Bus, TimeProvider.System, loggerFactory));
        }

        Cache = new PhotoCache(Node(Topology.Cache).Bus, TimeProvider.System, new PhotoCacheOptions { CapacityBytes = SampleSettings.CacheCapacityBytes });
        Front = PhotoFront.Create(Node(Topology.Front), Topology, maxUploadBytes, loggerFactory);
    }

    private ClusterNode Node(Cluster.Core.NodeAddress address) => _nodes.Single(n => n.Id == address.Id);

    private static string Folder(string dataFolder, Cluster.Core.NodeAddress address) => Path.Combine(dataFolder, address.Id.ToString());
}
