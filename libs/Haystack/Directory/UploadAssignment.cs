using Cluster.Core;
using MessagePack;

namespace Haystack;

/// <summary>Where one upload goes: a write-enabled logical volume, a fresh photo key, and every replica to write.</summary>
[MessagePackObject]
public sealed record UploadAssignment
{
    /// <summary>The logical volume, or 0 when no volume is write-enabled right now.</summary>
    [Key(0)]
    public uint VolumeId { get; init; }

    /// <summary>The photo key, unique across the whole store.</summary>
    [Key(1)]
    public ulong Key { get; init; }

    /// <summary>The Store machines holding the volume's replicas; the upload succeeds only when all of them acknowledge.</summary>
    [Key(2)]
    public IReadOnlyList<NodeId> Replicas { get; init; } = [];

    /// <summary>The volume's epoch: the write carries it, and a Store that knows another refuses the write.</summary>
    [Key(3)]
    public uint Epoch { get; init; }
}
