namespace Cluster.Simulation;

/// <summary>Settings of a <see cref="SimulatedDisk"/>, validated at construction.</summary>
public sealed class DiskOptions
{
    /// <summary>Default of <see cref="CapacityBytes"/>: 1 GiB.</summary>
    public const long DefaultCapacityBytes = 1L << 30;

    /// <summary>Default of <see cref="TornWriteProbability"/>.</summary>
    public const double DefaultTornWriteProbability = 0.25;

    /// <summary>Default of <see cref="SyncMinLatency"/>: 50 µs.</summary>
    public static readonly TimeSpan DefaultSyncMinLatency = TimeSpan.FromMicroseconds(50);

    /// <summary>Default of <see cref="SyncMaxLatency"/>: 2 ms.</summary>
    public static readonly TimeSpan DefaultSyncMaxLatency = TimeSpan.FromMilliseconds(2);

    /// <summary>The most bytes the files may hold together; a write beyond it throws <see cref="Cluster.Core.StorageFullException"/>.</summary>
    public long CapacityBytes { get; init; } = DefaultCapacityBytes;

    /// <summary>The shortest time an fsync (of a file or the directory) takes.</summary>
    public TimeSpan SyncMinLatency { get; init; } = DefaultSyncMinLatency;

    /// <summary>The longest time an fsync takes; latencies are uniform in between.</summary>
    public TimeSpan SyncMaxLatency { get; init; } = DefaultSyncMaxLatency;

    /// <summary>How a crash treats unsynced writes.</summary>
    public UnsyncedLossMode UnsyncedLoss { get; init; } = UnsyncedLossMode.RandomPrefix;

    /// <summary>The probability that, on a crash, the first lost write of a file is torn: a prefix of it survives, sometimes followed by garbage.</summary>
    public double TornWriteProbability { get; init; } = DefaultTornWriteProbability;

    /// <summary>The probability that a read returns one flipped bit (the stored data stays intact); zero by default.</summary>
    public double ReadCorruptionProbability { get; init; }

    internal DiskOptions Validate()
    {
        if (CapacityBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CapacityBytes), CapacityBytes, "CapacityBytes must be positive.");
        }

        if (SyncMinLatency < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(SyncMinLatency), SyncMinLatency, "SyncMinLatency must not be negative.");
        }

        if (SyncMaxLatency < SyncMinLatency)
        {
            throw new ArgumentOutOfRangeException(nameof(SyncMaxLatency), SyncMaxLatency, "SyncMaxLatency must be at least SyncMinLatency.");
        }

        if (TornWriteProbability is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TornWriteProbability), TornWriteProbability, "TornWriteProbability must be in [0, 1].");
        }

        if (ReadCorruptionProbability is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ReadCorruptionProbability), ReadCorruptionProbability, "ReadCorruptionProbability must be in [0, 1].");
        }

        return this;
    }
}
