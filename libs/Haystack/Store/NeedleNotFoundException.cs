namespace Haystack;

/// <summary>The volume holds no live needle with that key and alternate key (never written, or deleted).</summary>
public sealed class NeedleNotFoundException : Exception
{
    /// <summary>Creates the exception for one needle.</summary>
    public NeedleNotFoundException(uint volumeId, ulong key, uint alternateKey)
        : base($"Volume {volumeId} has no needle {key}_{alternateKey}.")
    {
        VolumeId = volumeId;
        Key = key;
        AlternateKey = alternateKey;
    }

    /// <summary>The volume asked.</summary>
    public uint VolumeId { get; }

    /// <summary>The needle's key.</summary>
    public ulong Key { get; }

    /// <summary>The needle's alternate key.</summary>
    public uint AlternateKey { get; }
}
