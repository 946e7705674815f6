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

    /// <summary>Being rebuilt from <see cref="RepairSource"/>: takes deletes, serves no reads, is not counted healthy.</summary>
    [Key(5)]
    public bool Repairing { get; set; }

    /// <summary>The healthy replica's Store a repair copies from; 0 while no replica can serve as one.</summary>
    [Key(6)]
    public ulong RepairSource { get; set; }

    /// <summary>The Store whose replica this one takes over when its repair completes; 0 for a repair in place.</summary>
    [Key(7)]
    public ulong Replaces { get; set; }

    /// <summary>Deletes this replica missed, to be replayed to its Store; while any is left it is neither read nor copied from.</summary>
    [Key(8)]
    public List<PendingDelete> PendingDeletes { get; set; } = [];

    /// <summary>The volume epoch its Store last reported knowing.</summary>
    [Key(9)]
    public uint ReportedEpoch { get; set; }
}
