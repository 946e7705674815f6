namespace Gfs;

/// <summary>The settings of a GFS master group; every master node of a group must use the same values.</summary>
public sealed class MasterOptions
{
    /// <summary>Default <see cref="ChunkSize"/>: 64 MiB, as in the paper.</summary>
    public const long DefaultChunkSize = 64L * 1024 * 1024;

    /// <summary>Default <see cref="ReplicationFactor"/>.</summary>
    public const int DefaultReplicationFactor = 3;

    /// <summary>Default <see cref="MaxChunksPerFile"/>: 2^20 chunks (64 TiB at the default chunk size).</summary>
    public const int DefaultMaxChunksPerFile = 1 << 20;

    /// <summary>Default <see cref="LeaseDuration"/>: 60 s, as in the paper.</summary>
    public static readonly TimeSpan DefaultLeaseDuration = TimeSpan.FromSeconds(60);

    /// <summary>Default <see cref="ChunkserverTimeout"/>.</summary>
    public static readonly TimeSpan DefaultChunkserverTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Default <see cref="TrashDelay"/>: three days, as in the paper.</summary>
    public static readonly TimeSpan DefaultTrashDelay = TimeSpan.FromDays(3);

    /// <summary>Default <see cref="MaintenanceInterval"/>.</summary>
    public static readonly TimeSpan DefaultMaintenanceInterval = TimeSpan.FromSeconds(5);

    /// <summary>Default <see cref="SettleTime"/>.</summary>
    public static readonly TimeSpan DefaultSettleTime = TimeSpan.FromSeconds(20);

    /// <summary>Default <see cref="RetryCacheTtl"/>.</summary>
    public static readonly TimeSpan DefaultRetryCacheTtl = TimeSpan.FromMinutes(10);

    /// <summary>Default <see cref="MaxConcurrentClones"/>.</summary>
    public const int DefaultMaxConcurrentClones = 4;

    /// <summary>Default <see cref="RebalanceThreshold"/>: ten percentage points above the mean utilisation.</summary>
    public const double DefaultRebalanceThreshold = 0.10;

    /// <summary>Default <see cref="ChunkserverRpcTimeout"/>.</summary>
    public static readonly TimeSpan DefaultChunkserverRpcTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Default <see cref="LeadershipCheckInterval"/>.</summary>
    public static readonly TimeSpan DefaultLeadershipCheckInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The size of every chunk; chunkservers must be configured alike.</summary>
    public long ChunkSize { get; init; } = DefaultChunkSize;

    /// <summary>How many replicas each chunk should have.</summary>
    public int ReplicationFactor { get; init; } = DefaultReplicationFactor;

    /// <summary>The most chunks one file may have.</summary>
    public int MaxChunksPerFile { get; init; } = DefaultMaxChunksPerFile;

    /// <summary>How long a primary's lease lasts unless extended.</summary>
    public TimeSpan LeaseDuration { get; init; } = DefaultLeaseDuration;

    /// <summary>A chunkserver silent for this long is taken as dead: its replicas no longer count and are re-replicated.</summary>
    public TimeSpan ChunkserverTimeout { get; init; } = DefaultChunkserverTimeout;

    /// <summary>How long a deleted file stays (hidden, recoverable by an administrator) before its chunks are reclaimed.</summary>
    public TimeSpan TrashDelay { get; init; } = DefaultTrashDelay;

    /// <summary>How often the leading master checks replication, leases and the trash.</summary>
    public TimeSpan MaintenanceInterval { get; init; } = DefaultMaintenanceInterval;

    /// <summary>
    /// How long a newly leading master collects heartbeats (chunk locations are not persisted) before it re-replicates chunks,
    /// deletes replicas or grants new leases. Should cover a few chunkserver heartbeat intervals.
    /// </summary>
    public TimeSpan SettleTime { get; init; } = DefaultSettleTime;

    /// <summary>How long the answer to a client's namespace change is kept for retries.</summary>
    public TimeSpan RetryCacheTtl { get; init; } = DefaultRetryCacheTtl;

    /// <summary>How many re-replications run at once (the paper throttles cloning so it does not swamp client traffic).</summary>
    public int MaxConcurrentClones { get; init; } = DefaultMaxConcurrentClones;

    /// <summary>
    /// Rebalancing (§4.3) moves a replica off a chunkserver whose utilisation (used over capacity) is more than this above the
    /// mean of the live chunkservers, onto the least utilised one, one chunk per maintenance round while nothing needs
    /// re-replication. Zero or more; at or above 1 it never moves anything.
    /// </summary>
    public double RebalanceThreshold { get; init; } = DefaultRebalanceThreshold;

    /// <summary>How long the master waits for a chunkserver to answer a command.</summary>
    public TimeSpan ChunkserverRpcTimeout { get; init; } = DefaultChunkserverRpcTimeout;

    /// <summary>
    /// How often a master node compares its Raft role with its Chubby lock (see <see cref="MasterLock"/>): a leader takes the
    /// lock and takes over, a node that no longer leads releases it, a master whose lock is lost or in jeopardy hands
    /// leadership on. Role changes are also acted on at once.
    /// </summary>
    public TimeSpan LeadershipCheckInterval { get; init; } = DefaultLeadershipCheckInterval;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (ChunkSize < 64 * 1024 || ChunkSize % (64 * 1024) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkSize), ChunkSize, "ChunkSize must be a positive multiple of 64 KiB.");
        }

        if (ReplicationFactor < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ReplicationFactor), ReplicationFactor, "ReplicationFactor must be at least 1.");
        }

        if (MaxChunksPerFile < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxChunksPerFile), MaxChunksPerFile, "MaxChunksPerFile must be at least 1.");
        }

        if (MaxConcurrentClones < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentClones), MaxConcurrentClones, "MaxConcurrentClones must be at least 1.");
        }

        if (!(RebalanceThreshold >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(RebalanceThreshold), RebalanceThreshold, "RebalanceThreshold must be zero or more.");
        }

        Positive(LeaseDuration, nameof(LeaseDuration));
        Positive(ChunkserverTimeout, nameof(ChunkserverTimeout));
        Positive(MaintenanceInterval, nameof(MaintenanceInterval));
        Positive(ChunkserverRpcTimeout, nameof(ChunkserverRpcTimeout));
        Positive(RetryCacheTtl, nameof(RetryCacheTtl));
        Positive(LeadershipCheckInterval, nameof(LeadershipCheckInterval));
        if (TrashDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(TrashDelay), TrashDelay, "TrashDelay must not be negative.");
        }

        if (SettleTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(SettleTime), SettleTime, "SettleTime must not be negative.");
        }
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
        }
    }
}
