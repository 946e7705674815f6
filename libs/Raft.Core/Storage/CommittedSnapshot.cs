namespace Raft.Core;

/// <summary>A snapshot file a <see cref="FileSnapshotStore"/> has committed or verified.</summary>
/// <param name="Name">The file's storage name.</param>
/// <param name="Sequence">The commit's place in the order of commits.</param>
/// <param name="Metadata">What the snapshot covers.</param>
/// <param name="PayloadBytes">The length of the snapshot's bytes, which start at offset 0 of the file.</param>
internal sealed record CommittedSnapshot(string Name, ulong Sequence, SnapshotMetadata Metadata, long PayloadBytes);
