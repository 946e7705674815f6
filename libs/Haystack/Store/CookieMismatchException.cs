namespace Haystack;

/// <summary>
/// A read named a needle with the wrong cookie. Cookies are random per upload, so a wrong one means a
/// guessed or stale URL; the needle's bytes are not returned.
/// </summary>
public sealed class CookieMismatchException : Exception
{
    /// <summary>Creates the exception for one needle.</summary>
    public CookieMismatchException(uint volumeId, ulong key, uint alternateKey)
        : base($"Needle {key}_{alternateKey} in volume {volumeId} exists, but the cookie given does not match it.")
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
