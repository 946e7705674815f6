using MessagePack;

namespace Haystack;

/// <summary>Deletes one needle; the cookie must match, so a guessed URL cannot delete a photo.</summary>
[MessagePackObject]
public sealed record StoreDeleteRequest
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

    /// <summary>The photo's cookie.</summary>
    [Key(3)]
    public ulong Cookie { get; init; }
}
