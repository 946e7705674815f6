using MessagePack;

namespace Haystack;

/// <summary>One live needle of a volume as a repair sees it: its key, alternate key and length on disk.</summary>
[MessagePackObject]
public sealed record NeedleEntry
{
    /// <summary>The photo key.</summary>
    [Key(0)]
    public ulong Key { get; init; }

    /// <summary>The alternate key.</summary>
    [Key(1)]
    public uint AlternateKey { get; init; }

    /// <summary>The needle's length on disk, header and padding included.</summary>
    [Key(2)]
    public int Bytes { get; init; }
}
