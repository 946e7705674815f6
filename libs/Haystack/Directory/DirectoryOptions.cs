namespace Haystack;

/// <summary>
/// Settings of the Directory's replicated state machine. Every Directory node must use the same values: they steer decisions
/// that all replicas make alike.
/// </summary>
public sealed class DirectoryOptions
{
    /// <summary>Default of <see cref="ReplicationFactor"/>.</summary>
    public const int DefaultReplicationFactor = 3;

    /// <summary>Default of <see cref="VolumeBytes"/>: 100 GiB would not fit the needle index's offsets, so 32 GiB less a little.</summary>
    public const long DefaultVolumeBytes = VolumeOptions.DefaultMaxVolumeBytes;

    /// <summary>Default of <see cref="MinWritableVolumes"/>.</summary>
    public const int DefaultMinWritableVolumes = 2;

    /// <summary>Default of <see cref="MaxLogicalVolumes"/>.</summary>
    public const int DefaultMaxLogicalVolumes = 100_000;

    /// <summary>Default of <see cref="MaxStores"/>.</summary>
    public const int DefaultMaxStores = 10_000;

    /// <summary>Default of <see cref="FullMarginBytes"/>: 1 MiB.</summary>
    public const long DefaultFullMarginBytes = 1024 * 1024;

    /// <summary>Default of <see cref="MaxPendingDeletesPerReplica"/>.</summary>
    public const int DefaultMaxPendingDeletesPerReplica = 100_000;

    /// <summary>Default of <see cref="MaxPendingDeletesPerHeartbeat"/>.</summary>
    public const int DefaultMaxPendingDeletesPerHeartbeat = 1024;

    /// <summary>How many Store machines hold a replica of each logical volume.</summary>
    public int ReplicationFactor { get; init; } = DefaultReplicationFactor;

    /// <summary>The size of each physical volume; Stores create theirs with it.</summary>
    public long VolumeBytes { get; init; } = DefaultVolumeBytes;

    /// <summary>The Directory allocates a new logical volume whenever fewer than this many are writable or being allocated.</summary>
    public int MinWritableVolumes { get; init; } = DefaultMinWritableVolumes;

    /// <summary>The most logical volumes the Directory ever allocates.</summary>
    public int MaxLogicalVolumes { get; init; } = DefaultMaxLogicalVolumes;

    /// <summary>The most Store machines the Directory registers; heartbeats from more are refused.</summary>
    public int MaxStores { get; init; } = DefaultMaxStores;

    /// <summary>A logical volume with less room than this on its fullest replica becomes read-only.</summary>
    public long FullMarginBytes { get; init; } = DefaultFullMarginBytes;

    /// <summary>
    /// The most deletes the Directory keeps for one replica that missed them; past it, a delete that cannot reach that replica
    /// fails as it would without the Directory's help and must be repeated.
    /// </summary>
    public int MaxPendingDeletesPerReplica { get; init; } = DefaultMaxPendingDeletesPerReplica;

    /// <summary>The most pending deletes one heartbeat answer hands a Store.</summary>
    public int MaxPendingDeletesPerHeartbeat { get; init; } = DefaultMaxPendingDeletesPerHeartbeat;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        Require(ReplicationFactor is >= 1 and <= 16, nameof(ReplicationFactor), ReplicationFactor, "must be between 1 and 16");
        Require(VolumeBytes >= 4096 && VolumeBytes <= VolumeOptions.DefaultMaxVolumeBytes, nameof(VolumeBytes), VolumeBytes, $"must be between 4096 and {VolumeOptions.DefaultMaxVolumeBytes}");
        Require(MinWritableVolumes >= 1, nameof(MinWritableVolumes), MinWritableVolumes, "must be positive");
        Require(MaxLogicalVolumes >= MinWritableVolumes, nameof(MaxLogicalVolumes), MaxLogicalVolumes, "must be at least MinWritableVolumes");
        Require(MaxStores >= ReplicationFactor, nameof(MaxStores), MaxStores, "must be at least ReplicationFactor");
        Require(FullMarginBytes >= 0 && FullMarginBytes < VolumeBytes, nameof(FullMarginBytes), FullMarginBytes, "must be at least zero and below VolumeBytes");
        Require(MaxPendingDeletesPerReplica >= 0, nameof(MaxPendingDeletesPerReplica), MaxPendingDeletesPerReplica, "must not be negative");
        Require(MaxPendingDeletesPerHeartbeat >= 1, nameof(MaxPendingDeletesPerHeartbeat), MaxPendingDeletesPerHeartbeat, "must be positive");
    }

    private static void Require(bool ok, string property, object value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(property, value, $"DirectoryOptions.{property} {rule}.");
        }
    }
}
