using Cluster.Core;
using Haystack;
using Microsoft.Extensions.Logging;
using Raft.Core;

namespace PhotoStore;

/// <summary>A Directory node: its Raft log and snapshots in a folder, a <see cref="DirectoryServer"/> on the node's bus.</summary>
public sealed class DirectoryRole : IAsyncDisposable
{
    private readonly ILogStore _log;
    private readonly ISnapshotStore _snapshots;

    private DirectoryRole(DirectoryServer server, ILogStore log, ISnapshotStore snapshots)
    {
        Server = server;
        _log = log;
        _snapshots = snapshots;
    }

    /// <summary>The Directory server.</summary>
    public DirectoryServer Server { get; }

    /// <summary>Opens the node's files in <paramref name="folder"/> and starts the server.</summary>
    public static async Task<DirectoryRole> StartAsync(ClusterNode node, IReadOnlyList<NodeId> members, string folder, ILoggerFactory loggerFactory)
    {
        var storage = new DiskFileStorage(folder);
        var log = await SegmentedLogStore.OpenAsync(storage);
        var snapshots = await FileSnapshotStore.OpenAsync(storage);
        var server = await DirectoryServer.StartAsync(
            SampleSettings.Raft(node.Id, members),
            SampleSettings.Directory,
            log,
            snapshots,
            node.Bus,
            TimeProvider.System,
            RandomSource.FromEntropy(),
            loggerFactory);
        return new DirectoryRole(server, log, snapshots);
    }

    /// <summary>Stops the server and closes its files.</summary>
    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await _log.DisposeAsync();
        await _snapshots.DisposeAsync();
    }
}
