using MessagePack;

namespace Haystack;

/// <summary>One physical volume as its Store sees it, sent in every heartbeat.</summary>
[MessagePackObject]
public sealed record VolumeReport
{
    /// <summary>The volume's id (the same as its logical volume's).</summary>
    [Key(0)]
    public uint VolumeId { get; init; }

    /// <summary>The size of the volume file.</summary>
    [Key(1)]
    public long SizeBytes { get; init; }

    /// <summary>Whether the Store's volume refuses writes (full, or an fsync failed).</summary>
    [Key(2)]
    public bool IsReadOnly { get; init; }

    /// <summary>The volume epoch the Store has learned from the Directory (and enforces on writes).</summary>
    [Key(3)]
    public uint Epoch { get; init; }
}
