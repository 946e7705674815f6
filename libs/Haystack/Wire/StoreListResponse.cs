using MessagePack;

namespace Haystack;

/// <summary>A page of a volume's live needles, for a repair.</summary>
[MessagePackObject]
public sealed record StoreListResponse
{
    /// <summary>The outcome; the entries mean something only when it is <see cref="StoreStatus.Ok"/>.</summary>
    [Key(0)]
    public StoreStatus Status { get; init; }

    /// <summary>A description of a refusal.</summary>
    [Key(1)]
    public string? Message { get; init; }

    /// <summary>The needles, sorted by key then alternate key.</summary>
    [Key(2)]
    public IReadOnlyList<NeedleEntry> Entries { get; init; } = [];

    /// <summary>Whether this page ends the list.</summary>
    [Key(3)]
    public bool Complete { get; init; }
}
