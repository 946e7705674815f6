namespace Haystack;

/// <summary>Why a logical volume stopped taking uploads.</summary>
public enum VolumeReadOnlyReason
{
    /// <summary>It still takes uploads.</summary>
    None = 0,

    /// <summary>A replica reached the volume size (or refused a write as full).</summary>
    Full = 1,

    /// <summary>A replica's Store stopped heartbeating, lost the volume, or failed a write.</summary>
    ReplicaFailed = 2,

    /// <summary>A replica returned a needle that failed its checks.</summary>
    Corruption = 3,
}
