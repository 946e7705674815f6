using MessagePack;

namespace Haystack;

/// <summary>
/// Tells a Cache to drop a photo: sent by the client after a delete, so the Cache does not keep serving what the Stores no
/// longer hold. Answered with <see cref="StoreStatus.Ok"/> once dropped (whether or not the Cache held it).
/// </summary>
[MessagePackObject]
public sealed record CacheInvalidateRequest
{
    /// <summary>The volume.</summary>
    [Key(0)]
    public uint VolumeId { get; init; }

    /// <summary>The photo key.</summary>
    [Key(1)]
    public ulong Key { get; init; }

    /// <summary>The alternate key.</summary>
    [Key(2)]
    public uint AlternateKey { get; init; }
}
