namespace Cluster.Simulation;

/// <summary>The completion of an fsync (of one file, or of the directory when <see cref="Inode"/> is null), due after the disk's latency.</summary>
internal sealed class SyncCompletion(SimulatedDisk disk, int generation, DiskInode? inode, long sequence, SortedDictionary<string, DiskInode>? directory) : ISimulationEvent
{
    public TaskCompletionSource Completion { get; } = new();

    public int Generation { get; } = generation;

    public DiskInode? Inode { get; } = inode;

    public long Sequence { get; } = sequence;

    public SortedDictionary<string, DiskInode>? Directory { get; } = directory;

    public void Fire(long token) => disk.CompleteSync(this);
}
