using Cluster.Core;
using Raft.Core;

namespace Haystack;

/// <summary>Settings of a <see cref="StoreServer"/>, validated when it starts.</summary>
public sealed class StoreServerOptions
{
    /// <summary>Default of <see cref="HeartbeatInterval"/>.</summary>
    public static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(1);

    /// <summary>Default of <see cref="MaxNeedleDataBytes"/>: 8 MiB, well inside the default 16 MiB message frame.</summary>
    public const int DefaultMaxNeedleDataBytes = 8 * 1024 * 1024;

    /// <summary>Default of <see cref="CapacityBytes"/>: 1 TiB.</summary>
    public const long DefaultCapacityBytes = 1L << 40;

    /// <summary>Default of <see cref="RepairBatchBytes"/>: 4 MiB.</summary>
    public const int DefaultRepairBatchBytes = 4 * 1024 * 1024;

    /// <summary>The largest <see cref="RepairBatchBytes"/>; a Store serving a repair answers batches up to this size (or one needle), whatever its own setting.</summary>
    public const int MaxRepairBatchBytes = 8 * 1024 * 1024;

    /// <summary>The largest <see cref="RepairListEntries"/>, and the most needles one copy request may name.</summary>
    public const int MaxRepairListEntries = 65_536;

    /// <summary>Default of <see cref="RepairListEntries"/>.</summary>
    public const int DefaultRepairListEntries = 8192;

    /// <summary>Default of <see cref="RepairRequestTimeout"/>.</summary>
    public static readonly TimeSpan DefaultRepairRequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Default of <see cref="CompactionReclaimableFraction"/>.</summary>
    public const double DefaultCompactionReclaimableFraction = 0.3;

    /// <summary>Default of <see cref="MinCompactionReclaimableBytes"/>: 16 MiB.</summary>
    public const long DefaultMinCompactionReclaimableBytes = 16L * 1024 * 1024;

    /// <summary>Default of <see cref="CompactionPause"/>.</summary>
    public static readonly TimeSpan DefaultCompactionPause = TimeSpan.FromSeconds(30);

    /// <summary>The Directory's Raft nodes.</summary>
    public IReadOnlyList<NodeId> DirectoryNodes { get; init; } = [];

    /// <summary>The space this Store offers for volume files.</summary>
    public long CapacityBytes { get; init; } = DefaultCapacityBytes;

    /// <summary>How often the Store reports to the Directory; well under the Directory's store timeout.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = DefaultHeartbeatInterval;

    /// <summary>The largest photo the Store accepts; larger writes are refused with <see cref="StoreStatus.TooLarge"/>.</summary>
    public int MaxNeedleDataBytes { get; init; } = DefaultMaxNeedleDataBytes;

    /// <summary>How many writes and deletes trigger an index checkpoint per volume (see <see cref="VolumeOptions.CheckpointIntervalNeedles"/>).</summary>
    public int CheckpointIntervalNeedles { get; init; } = VolumeOptions.DefaultCheckpointIntervalNeedles;

    /// <summary>How many needle bytes a repair asks its source for at once (a single larger needle goes alone).</summary>
    public int RepairBatchBytes { get; init; } = DefaultRepairBatchBytes;

    /// <summary>How many needles one page of a repair's listing holds, asked or answered.</summary>
    public int RepairListEntries { get; init; } = DefaultRepairListEntries;

    /// <summary>How long a repair waits for one answer from its source before it tries again later.</summary>
    public TimeSpan RepairRequestTimeout { get; init; } = DefaultRepairRequestTimeout;

    /// <summary>
    /// The share of a volume file held by deleted, overwritten and orphaned needles at which the Store compacts it (with
    /// <see cref="MinCompactionReclaimableBytes"/> also reached). Between 0 (exclusive) and 1.
    /// </summary>
    public double CompactionReclaimableFraction { get; init; } = DefaultCompactionReclaimableFraction;

    /// <summary>The fewest reclaimable bytes worth a compaction; <see cref="long.MaxValue"/> turns automatic compaction off.</summary>
    public long MinCompactionReclaimableBytes { get; init; } = DefaultMinCompactionReclaimableBytes;

    /// <summary>
    /// How long the Store waits after one compaction before it starts the next, so compactions (one at a time per Store)
    /// never take the disk from serving for long.
    /// </summary>
    public TimeSpan CompactionPause { get; init; } = DefaultCompactionPause;

    /// <summary>How the Store's Directory client times out and retries; defaults when null.</summary>
    public RaftClientOptions? DirectoryClient { get; init; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (DirectoryNodes is null || DirectoryNodes.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(DirectoryNodes), "StoreServerOptions.DirectoryNodes must name at least one Directory node.");
        }

        if (CapacityBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CapacityBytes), CapacityBytes, "StoreServerOptions.CapacityBytes must be positive.");
        }

        if (HeartbeatInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(HeartbeatInterval), HeartbeatInterval, "StoreServerOptions.HeartbeatInterval must be positive.");
        }

        if (MaxNeedleDataBytes <= 0 || MaxNeedleDataBytes > VolumeOptions.DefaultMaxNeedleDataBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxNeedleDataBytes), MaxNeedleDataBytes, $"StoreServerOptions.MaxNeedleDataBytes must be between 1 and {VolumeOptions.DefaultMaxNeedleDataBytes}.");
        }

        if (RepairBatchBytes < 64 * 1024 || RepairBatchBytes > MaxRepairBatchBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(RepairBatchBytes), RepairBatchBytes, $"StoreServerOptions.RepairBatchBytes must be between 64 KiB and {MaxRepairBatchBytes}.");
        }

        if (RepairListEntries < 1 || RepairListEntries > MaxRepairListEntries)
        {
            throw new ArgumentOutOfRangeException(nameof(RepairListEntries), RepairListEntries, $"StoreServerOptions.RepairListEntries must be between 1 and {MaxRepairListEntries}.");
        }

        if (RepairRequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RepairRequestTimeout), RepairRequestTimeout, "StoreServerOptions.RepairRequestTimeout must be positive.");
        }

        if (CheckpointIntervalNeedles < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CheckpointIntervalNeedles), CheckpointIntervalNeedles, "StoreServerOptions.CheckpointIntervalNeedles must be zero (off) or positive.");
        }

        if (!(CompactionReclaimableFraction > 0 && CompactionReclaimableFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(CompactionReclaimableFraction), CompactionReclaimableFraction, "StoreServerOptions.CompactionReclaimableFraction must be above 0 and at most 1.");
        }

        if (MinCompactionReclaimableBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MinCompactionReclaimableBytes), MinCompactionReclaimableBytes, "StoreServerOptions.MinCompactionReclaimableBytes must not be negative.");
        }

        if (CompactionPause < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(CompactionPause), CompactionPause, "StoreServerOptions.CompactionPause must not be negative.");
        }
    }
}
