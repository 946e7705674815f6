using MessagePack;

namespace Haystack;

/// <summary>
/// Asks the source of a repair for whole needles, as stored (cookie included, so no cookie is checked): the answer is a
/// <see cref="StoreResponse"/> whose data is the needles one after another. A needle deleted since it was listed is left out.
/// Only Stores granted the repair by the Directory get an answer, since the copy bypasses the cookie.
/// </summary>
[MessagePackObject]
public sealed record StoreCopyRequest
{
    /// <summary>The volume.</summary>
    [Key(0)]
    public uint VolumeId { get; init; }

    /// <summary>The needles wanted (their <see cref="NeedleEntry.Bytes"/> sum to at most the Store's repair batch, or one needle).</summary>
    [Key(1)]
    public IReadOnlyList<NeedleEntry> Needles { get; init; } = [];
}
