using MessagePack;

namespace Haystack;

/// <summary>Where to read photo <see cref="Key"/> of a logical volume. Answered with a <see cref="VolumeLocation"/> or nil.</summary>
[MessagePackObject]
internal sealed record LocateQuery
{
    [Key(0)]
    public uint VolumeId { get; init; }

    [Key(1)]
    public ulong Key { get; init; }
}
