using MessagePack;

namespace Haystack;

/// <summary>
/// Asks the source of a repair for a page of its volume's live needles, sorted by key then alternate key, starting after a
/// cursor. Answered with a <see cref="StoreListResponse"/>; only Stores granted the repair by the Directory get one.
/// </summary>
[MessagePackObject]
public sealed record StoreListRequest
{
    /// <summary>The volume.</summary>
    [Key(0)]
    public uint VolumeId { get; init; }

    /// <summary>Whether the page starts after (<see cref="AfterKey"/>, <see cref="AfterAlternateKey"/>) rather than at the first needle.</summary>
    [Key(1)]
    public bool HasCursor { get; init; }

    /// <summary>The key of the last needle of the previous page.</summary>
    [Key(2)]
    public ulong AfterKey { get; init; }

    /// <summary>The alternate key of the last needle of the previous page.</summary>
    [Key(3)]
    public uint AfterAlternateKey { get; init; }

    /// <summary>The most entries wanted (the Store caps it at <see cref="StoreServerOptions.RepairListEntries"/>).</summary>
    [Key(4)]
    public int MaxEntries { get; init; }
}
