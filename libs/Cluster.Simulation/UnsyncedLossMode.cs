namespace Cluster.Simulation;

/// <summary>What a crash does to writes that were not fsynced.</summary>
public enum UnsyncedLossMode
{
    /// <summary>The seed picks, per file, how many of the unsynced writes survive (in order, possibly none or all).</summary>
    RandomPrefix = 0,

    /// <summary>Every unsynced write is lost.</summary>
    LoseAll = 1,
}
