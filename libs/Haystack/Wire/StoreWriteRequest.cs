using MessagePack;

namespace Haystack;

/// <summary>Writes one needle to a Store's physical volume; acknowledged after an fsync covers it.</summary>
[MessagePackObject]
public sealed record StoreWriteRequest
{
    /// <summary>The volume.</summary>
    [Key(0)]
    public uint VolumeId { get; init; }

    /// <summary>The photo key.</summary>
    [Key(1)]
    public ulong Key { get; init; }

    /// <summary>The alternate key (for example the photo's size variant).</summary>
    [Key(2)]
    public uint AlternateKey { get; init; }

    /// <summary>The random cookie every read must quote.</summary>
    [Key(3)]
    public ulong Cookie { get; init; }

    /// <summary>The photo's bytes.</summary>
    [Key(4)]
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>The volume epoch of the upload's assignment; a Store that knows another epoch refuses the write.</summary>
    [Key(5)]
    public uint Epoch { get; init; }
}
