using Cluster.Core;
using Haystack;
using Microsoft.Extensions.Logging;

namespace PhotoStore;

/// <summary>Runs the sample's roles: all of them in this process, or one per process on the fixed topology.</summary>
public static class Roles
{
    /// <summary>Every role in this process; then the self-check, or serving until <paramref name="stop"/> with <c>--serve</c>.</summary>
    public static async Task<int> RunLocalAsync(SampleOptions options, ILoggerFactory loggerFactory, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(options);
        await using var cluster = await LocalCluster.StartAsync(options.DataFolder, loggerFactory, options.MaxUploadBytes);
        Console.WriteLine($"Directory {Names(cluster.Topology.Directory)}, Stores {Names(cluster.Topology.Stores)}, Cache {cluster.Topology.Cache}, front {cluster.Topology.Front}");
        Console.WriteLine($"data in {Path.GetFullPath(options.DataFolder)}; waiting for a Directory leader and a write-enabled volume");
        await cluster.Front.WaitUntilWritableAsync(TimeSpan.FromSeconds(60), stop);
        await using var app = await HttpFront.StartAsync(new PhotoApi(cluster.Front), options.Http ?? (options.Serve ? HttpFront.DefaultListen : "127.0.0.1:0"));
        var address = HttpFront.BaseAddress(app);
        if (options.Serve)
        {
            PrintUsage(address);
            await WaitAsync(stop);
            return 0;
        }

        Console.WriteLine($"HTTP front at {address}");
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        return await SelfCheck.RunAsync(http, options.MaxUploadBytes, Console.Out, cluster.Cache, stop) ? 0 : 1;
    }

    /// <summary>One role in this process, on its address of the fixed topology, until <paramref name="stop"/>.</summary>
    public static async Task<int> RunOneAsync(SampleOptions options, ILoggerFactory loggerFactory, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(options);
        var topology = Topology.Fixed(options.BasePort);
        topology.Validate();
        var address = options.Role switch
        {
            "directory" => topology.Directory.FirstOrDefault(a => a.Id == options.Node),
            "store" => topology.Stores.FirstOrDefault(a => a.Id == options.Node),
            "cache" => topology.Cache,
            _ => topology.Front,
        };
        if (address is null)
        {
            Console.Error.WriteLine($"The topology has no {options.Role} {options.Node}; Directory nodes are {Names(topology.Directory)}, Stores {Names(topology.Stores)}.");
            return 2;
        }

        await using var node = ClusterNode.Create(address, topology.All, loggerFactory);
        var folder = Path.Combine(options.DataFolder, address.Id.ToString());
        IAsyncDisposable role;
        switch (options.Role)
        {
            case "directory":
                role = await DirectoryRole.StartAsync(node, topology.DirectoryNodes, folder, loggerFactory);
                break;
            case "store":
                role = await StoreServer.StartAsync(SampleSettings.Store(topology.DirectoryNodes), new DiskFileStorage(folder), node.Bus, TimeProvider.System, loggerFactory);
                break;
            case "cache":
                var cache = new PhotoCache(node.Bus, TimeProvider.System, new PhotoCacheOptions { CapacityBytes = SampleSettings.CacheCapacityBytes });
                role = new DisposeAction(() => cache.Dispose());
                break;
            default:
                return await RunFrontAsync(options, node, topology, loggerFactory, stop);
        }

        await using (role)
        {
            // Listen only once the role's handlers are on the bus, so no early message finds nobody to take it.
            await node.StartAsync();
            Console.WriteLine($"{options.Role} {address} serving{(options.Role == "cache" ? string.Empty : " from " + Path.GetFullPath(folder))}; Ctrl+C stops it.");
            await WaitAsync(stop);
        }

        return 0;
    }

    private static async Task<int> RunFrontAsync(SampleOptions options, ClusterNode node, Topology topology, ILoggerFactory loggerFactory, CancellationToken stop)
    {
        await using var front = PhotoFront.Create(node, topology, options.MaxUploadBytes, loggerFactory);
        await node.StartAsync();
        Console.WriteLine($"front {node.Address}: waiting for a Directory leader and a write-enabled volume");
        await front.WaitUntilWritableAsync(TimeSpan.FromSeconds(60), stop);
        await using var app = await HttpFront.StartAsync(new PhotoApi(front), options.Http ?? HttpFront.DefaultListen);
        var address = HttpFront.BaseAddress(app);
        if (options.Check)
        {
            using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
            return await SelfCheck.RunAsync(http, options.MaxUploadBytes, Console.Out, cache: null, stop) ? 0 : 1;
        }

        PrintUsage(address);
        await WaitAsync(stop);
        return 0;
    }

    private static void PrintUsage(Uri address)
    {
        Console.WriteLine($"HTTP front at {address}; Ctrl+C stops it.");
        Console.WriteLine($"   upload:  curl --data-binary @photo.jpg {address}photos");
        Console.WriteLine($"   read:    curl -o copy.jpg '{address.ToString().TrimEnd('/')}<url from the upload>'");
        Console.WriteLine($"   delete:  curl -X DELETE '{address.ToString().TrimEnd('/')}<url from the upload>'");
        Console.WriteLine($"   status:  curl {address}status");
    }

    private static async Task WaitAsync(CancellationToken stop)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: the caller shuts down.
        }
    }

    private static string Names(IEnumerable<NodeAddress> addresses) => string.Join(", ", addresses.Select(a => a.Id));

    private sealed class DisposeAction(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }
}
