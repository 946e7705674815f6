using Cluster.Core;
using Haystack;
using Raft.Core;

namespace PhotoStore;

/// <summary>
/// The settings every process of the sample shares. The Directory's must be the same on all its nodes (they steer decisions
/// every replica makes alike), so they live here rather than on the command line.
/// </summary>
public static class SampleSettings
{
    /// <summary>Default of the largest upload the HTTP front takes: 8 MiB, the Store's default limit.</summary>
    public const int DefaultMaxUploadBytes = StoreServerOptions.DefaultMaxNeedleDataBytes;

    /// <summary>Physical volumes of 64 MiB: small enough that a laptop sees volumes fill up and new ones allocated.</summary>
    public const long VolumeBytes = 64L * 1024 * 1024;

    /// <summary>What each Store offers for volume files.</summary>
    public const long StoreCapacityBytes = 8L * 1024 * 1024 * 1024;

    /// <summary>The Cache's byte budget.</summary>
    public const long CacheCapacityBytes = 64L * 1024 * 1024;

    /// <summary>The Directory's settings.</summary>
    public static DirectoryServerOptions Directory { get; } = new()
    {
        Directory = new DirectoryOptions { VolumeBytes = VolumeBytes, FullMarginBytes = 1024 * 1024, MinWritableVolumes = 2 },
        StoreTimeout = TimeSpan.FromSeconds(5),
        MonitorInterval = TimeSpan.FromSeconds(1),
    };

    /// <summary>How Stores and the front talk to the Directory: give up on one node quickly, keep trying for a while.</summary>
    public static RaftClientOptions DirectoryClient { get; } = new()
    {
        RequestTimeout = TimeSpan.FromSeconds(1),
        OperationTimeout = TimeSpan.FromSeconds(15),
    };

    /// <summary>A Store machine's settings.</summary>
    public static StoreServerOptions Store(IReadOnlyList<NodeId> directoryNodes) => new()
    {
        DirectoryNodes = directoryNodes,
        CapacityBytes = StoreCapacityBytes,
        HeartbeatInterval = TimeSpan.FromSeconds(1),
        DirectoryClient = DirectoryClient,
    };

    /// <summary>A Directory node's Raft settings.</summary>
    public static RaftNodeOptions Raft(NodeId id, IReadOnlyList<NodeId> members) => new()
    {
        NodeId = id,
        InitialMembers = members,
        SnapshotThresholdEntries = 2_000,
    };
}
