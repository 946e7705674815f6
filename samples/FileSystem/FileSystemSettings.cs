using Chubby;
using Cluster.Core;
using Gfs;
using Microsoft.Extensions.Logging;
using Raft.Core;

namespace FileSystem;

/// <summary>
/// The settings every node of the sample's file system shares: the wire (GFS and Raft message types, a cluster name, a
/// shared secret) and the GFS timeouts, shortened from the paper's so that failures play out in seconds.
/// </summary>
internal static class FileSystemSettings
{
    public const string ClusterId = "filesystem";

    /// <summary>The chunk size of the embedded tour: small so a few megabytes already span several chunks.</summary>
    public const long DemoChunkSize = 1024 * 1024;

    /// <summary>The name of the GFS cell in the Chubby cell: the master lock is <c>/ls/local/gfs/filesystem/master</c>.</summary>
    public const string GfsCellName = "filesystem";

    /// <summary>Frames of Raft, Chubby and GFS messages (the Chubby replicas of <c>--chubby</c> share the transport settings).</summary>
    public static MessageCodec Codec { get; } = new(GfsMessageTypes.CreateRegistry());

    /// <summary>The master lock file every node of a Chubby-elected file system uses.</summary>
    public static string MasterLockPath { get; } = MasterLock.PathFor(ChubbyServerOptions.DefaultCellName, GfsCellName);

    /// <summary>
    /// The Chubby cell's settings: shorter leases than the paper's 12 s, so that a master that dies without releasing the lock
    /// is replaced within seconds.
    /// </summary>
    public static ChubbyServerOptions ChubbyCellOptions { get; } = new()
    {
        Lease = TimeSpan.FromSeconds(5),
        KeepAliveReplyMargin = TimeSpan.FromSeconds(1),
    };

    public static ChubbyClientOptions ChubbySessionOptions { get; } = new()
    {
        GracePeriod = TimeSpan.FromSeconds(15),
        RequestTimeout = TimeSpan.FromSeconds(2),
    };

    /// <summary>
    /// How long the master lock stays unavailable after its holder's session expired: longer than a master's command may take
    /// to reach a chunkserver (<see cref="MasterOptions.ChunkserverRpcTimeout"/>), so none arrives after the next master acts.
    /// </summary>
    public static TimeSpan MasterLockDelay { get; } = TimeSpan.FromSeconds(4);

    /// <summary>This process's binding to the master lock, with its own Chubby session on <paramref name="bus"/>, opened on first use.</summary>
    public static MasterLock CreateMasterLock(MessageBus bus, IReadOnlyList<NodeId> chubbyCell, ILoggerFactory loggerFactory) => new(
        MasterLockPath,
        cancellationToken => ChubbyClient.ConnectAsync(bus, chubbyCell, TimeProvider.System, ChubbySessionOptions, loggerFactory, cancellationToken),
        MasterLockDelay);

    public static byte[] Secret { get; } = "filesystem sample secret; use your own"u8.ToArray();

    public static MasterOptions Master(long chunkSize) => new()
    {
        ChunkSize = chunkSize,

        // A lease held by a dead primary is waited out before the chunk is leased again, so keep it short.
        LeaseDuration = TimeSpan.FromSeconds(10),
        ChunkserverTimeout = TimeSpan.FromSeconds(4),
        MaintenanceInterval = TimeSpan.FromMilliseconds(500),

        // After a fail-over a chunkserver first waits out its RPC timeout on the dead leader before it finds the new one, so
        // the new leader listens for longer than that before it judges which replicas exist.
        SettleTime = TimeSpan.FromSeconds(4),
        TrashDelay = TimeSpan.FromSeconds(30),
        ChunkserverRpcTimeout = TimeSpan.FromSeconds(3),
    };

    public static RaftNodeOptions Raft(NodeId id, IReadOnlyList<NodeId> masters) => new()
    {
        NodeId = id,
        InitialMembers = masters,
        SnapshotThresholdEntries = 2_000,
    };

    public static ChunkServerOptions Chunkserver(IReadOnlyList<NodeId> masters, string rack) => new()
    {
        Masters = masters,
        Rack = rack,
        HeartbeatInterval = TimeSpan.FromMilliseconds(500),
        RpcTimeout = TimeSpan.FromSeconds(2),
    };

    public static GfsClientOptions Client { get; } = new()
    {
        RpcTimeout = TimeSpan.FromSeconds(2),
        RetryDelay = TimeSpan.FromMilliseconds(100),
        MaxAttempts = 14,
    };

    public static TcpTransport CreateTransport(NodeAddress address, IEnumerable<NodeAddress> peers, ILoggerFactory loggerFactory) => new(
        new TcpTransportOptions
        {
            LocalAddress = address,
            ClusterId = ClusterId,
            Codec = Codec,
            ClusterSecret = Secret,
            Peers = [.. peers.Where(p => p.Id != address.Id)],
        },
        TimeProvider.System,
        RandomSource.FromEntropy(),
        loggerFactory);

    public static MessageBus CreateBus(TcpTransport transport, ILoggerFactory loggerFactory) =>
        new(transport, TimeProvider.System, loggerFactory: loggerFactory);
}
