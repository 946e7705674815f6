using MessagePack;

namespace Haystack;

/// <summary>A logical volume as the Directory knows it.</summary>
[MessagePackObject]
public sealed record LogicalVolumeInfo
{
    /// <summary>The id, also the id of each of its physical volumes.</summary>
    [Key(0)]
    public uint VolumeId { get; init; }

    /// <summary>The state.</summary>
    [Key(1)]
    public LogicalVolumeState State { get; init; }

    /// <summary>Why it is read-only.</summary>
    [Key(2)]
    public VolumeReadOnlyReason ReadOnlyReason { get; init; }

    /// <summary>The replicas.</summary>
    [Key(3)]
    public IReadOnlyList<ReplicaInfo> Replicas { get; init; } = [];

    /// <summary>The room left on its fullest replica, less the uploads assigned since the last heartbeats.</summary>
    [Key(4)]
    public long FreeBytes { get; init; }

    /// <summary>How many uploads the Directory has assigned to it.</summary>
    [Key(5)]
    public long UploadsAssigned { get; init; }

    /// <summary>How many times the volume was reopened after a repair; uploads carry it and Stores refuse any other.</summary>
    [Key(6)]
    public uint Epoch { get; init; }
}
