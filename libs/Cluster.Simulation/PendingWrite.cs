namespace Cluster.Simulation;

/// <summary>A change to a file not yet fsynced: a write of <see cref="Data"/> at <see cref="Offset"/>, or (when <see cref="Data"/> is null) a length change.</summary>
internal readonly record struct PendingWrite(long Sequence, long Offset, byte[]? Data, long Length);
