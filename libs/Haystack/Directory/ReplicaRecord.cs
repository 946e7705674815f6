using MessagePack;

namespace Haystack;

/// <summary>One replica of a logical volume in the Directory's state.</summary>
[MessagePackObject]
internal sealed class ReplicaRecord
{
    [Key(0)]
    public ulong Store { get; set; }

    [Key(1)]
    public long SizeBytes { get; set; }

    [Key(2)]
    public bool Reported { get; set; }

    [Key(3)]
    public bool Healthy { get; set; }

    [Key(4)]
    public bool Corrupt { get; set; }
}
