using MessagePack;

namespace Haystack;

/// <summary>Reads one needle from a Store's physical volume, checking its cookie and checksum.</summary>
[MessagePackObject]
public sealed record StoreReadRequest
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

    /// <summary>The cookie from the photo's URL.</summary>
    [Key(3)]
    public ulong Cookie { get; init; }
}
