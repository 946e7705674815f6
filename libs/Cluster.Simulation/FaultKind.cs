namespace Cluster.Simulation;

/// <summary>The faults the <see cref="Nemesis"/> draws from.</summary>
public enum FaultKind
{
    /// <summary>A random majority/minority split of the targets.</summary>
    Partition = 0,

    /// <summary>One node's outgoing links are cut; it still hears the others.</summary>
    OneWayPartition = 1,

    /// <summary>One node is cut off both ways.</summary>
    Isolate = 2,

    /// <summary>One node crashes and later restarts.</summary>
    Crash = 3,

    /// <summary>One node crashes with its last unsynced write torn, and later restarts.</summary>
    CrashWithTornWrite = 4,

    /// <summary>One node stalls and later resumes.</summary>
    Pause = 5,

    /// <summary>Every link loses messages for a while.</summary>
    LossBurst = 6,

    /// <summary>Every link duplicates messages for a while.</summary>
    DuplicateBurst = 7,

    /// <summary>One node's disk holds fsync completions for a while.</summary>
    DiskStall = 8,
}
