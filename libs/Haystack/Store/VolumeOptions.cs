namespace Haystack;

/// <summary>Settings of a <see cref="PhysicalVolume"/>, validated when the volume is created or opened.</summary>
public sealed class VolumeOptions
{
    /// <summary>Default of <see cref="MaxVolumeBytes"/>: 32 GiB, the most the index's 8-byte offset units address.</summary>
    public const long DefaultMaxVolumeBytes = 32L * 1024 * 1024 * 1024 - 8;

    /// <summary>Default of <see cref="MaxNeedleDataBytes"/>: 64 MiB.</summary>
    public const int DefaultMaxNeedleDataBytes = 64 * 1024 * 1024;

    /// <summary>Default of <see cref="CheckpointIntervalNeedles"/>.</summary>
    public const int DefaultCheckpointIntervalNeedles = 10_000;

    /// <summary>The size at which the volume stops taking writes and becomes read-only.</summary>
    public long MaxVolumeBytes { get; init; } = DefaultMaxVolumeBytes;

    /// <summary>The largest blob one needle holds; a larger write is refused with <see cref="ArgumentOutOfRangeException"/>.</summary>
    public int MaxNeedleDataBytes { get; init; } = DefaultMaxNeedleDataBytes;

    /// <summary>How many acknowledged writes and deletes trigger an asynchronous index checkpoint; zero turns automatic checkpoints off.</summary>
    public int CheckpointIntervalNeedles { get; init; } = DefaultCheckpointIntervalNeedles;

    /// <summary>Called when a read or a scan finds a needle that fails its checks, so the Directory can re-replicate it.</summary>
    public Action<NeedleCorruptException>? CorruptionObserved { get; init; }

    internal void Validate()
    {
        if (MaxVolumeBytes < NeedleFormat.SuperblockBytes + 64 || MaxVolumeBytes > NeedleIndex.MaxOffset)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxVolumeBytes), MaxVolumeBytes, $"MaxVolumeBytes must be between 128 bytes and {NeedleIndex.MaxOffset} bytes.");
        }

        if (MaxNeedleDataBytes <= 0 || NeedleFormat.NeedleBytes(MaxNeedleDataBytes) > NeedleIndex.MaxNeedleBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxNeedleDataBytes), MaxNeedleDataBytes, $"MaxNeedleDataBytes must be positive and at most {NeedleIndex.MaxNeedleBytes - 64} bytes.");
        }

        if (CheckpointIntervalNeedles < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CheckpointIntervalNeedles), CheckpointIntervalNeedles, "CheckpointIntervalNeedles must be zero (off) or positive.");
        }
    }
}
