using Cluster.Core;
using Haystack;
using Microsoft.Extensions.Logging;

namespace PhotoStore;

/// <summary>The Haystack client behind the HTTP front: a Directory client and a <see cref="HaystackClient"/> on the front's node.</summary>
public sealed class PhotoFront : IAsyncDisposable
{
    private PhotoFront(DirectoryClient directory, HaystackClient client, NodeId cache, int maxUploadBytes)
    {
        Directory = directory;
        Client = client;
        Cache = cache;
        MaxUploadBytes = maxUploadBytes;
    }

    /// <summary>The Directory client.</summary>
    public DirectoryClient Directory { get; }

    /// <summary>The Haystack client.</summary>
    public HaystackClient Client { get; }

    /// <summary>The Cache the URLs it hands out read through.</summary>
    public NodeId Cache { get; }

    /// <summary>The largest upload it takes.</summary>
    public int MaxUploadBytes { get; }

    /// <summary>Creates the clients on <paramref name="node"/>.</summary>
    public static PhotoFront Create(ClusterNode node, Topology topology, int maxUploadBytes, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(topology);
        var directory = new DirectoryClient(node.Bus, topology.DirectoryNodes, TimeProvider.System, SampleSettings.DirectoryClient);
        var client = new HaystackClient(
            node.Bus,
            directory,
            TimeProvider.System,
            RandomSource.FromEntropy(),
            new HaystackClientOptions { MaxUploadBytes = maxUploadBytes, Caches = [topology.Cache.Id] },
            loggerFactory);
        return new PhotoFront(directory, client, topology.Cache.Id, maxUploadBytes);
    }

    /// <summary>Waits until the Directory has a write-enabled logical volume (a fresh cluster elects a leader and allocates first).</summary>
    /// <exception cref="TimeoutException">None within <paramref name="timeout"/>.</exception>
    public async Task WaitUntilWritableAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (true)
        {
            try
            {
                var volumes = await Directory.ListVolumesAsync(cancellationToken);
                if (volumes.Any(v => v.State == LogicalVolumeState.Writable))
                {
                    return;
                }
            }
            catch (TimeoutException)
            {
                // No leader yet; keep asking until the deadline.
            }

            if (TimeProvider.System.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"No logical volume became write-enabled within {timeout.TotalSeconds:0} s; are the Directory and the Stores running?");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    /// <summary>Closes the Directory session.</summary>
    public ValueTask DisposeAsync() => Directory.DisposeAsync();
}
