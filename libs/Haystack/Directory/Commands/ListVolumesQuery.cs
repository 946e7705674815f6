using MessagePack;

namespace Haystack;

/// <summary>Every logical volume. Answered with a list of <see cref="LogicalVolumeInfo"/>.</summary>
[MessagePackObject]
internal sealed record ListVolumesQuery;
