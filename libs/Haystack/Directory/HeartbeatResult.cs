using MessagePack;

namespace Haystack;

/// <summary>The Directory's answer to a heartbeat: what the Store should create, and which of its volumes are read-only.</summary>
[MessagePackObject]
public sealed record HeartbeatResult
{
    /// <summary>Logical volumes allocated on this Store whose physical volume it has not reported yet.</summary>
    [Key(0)]
    public IReadOnlyList<uint> VolumesToCreate { get; init; } = [];

    /// <summary>The Store's volumes that the Directory has marked read-only (their photos are not worth caching).</summary>
    [Key(1)]
    public IReadOnlyList<uint> ReadOnlyVolumes { get; init; } = [];

    /// <summary>The size every physical volume is created with.</summary>
    [Key(2)]
    public long VolumeBytes { get; init; }
}
