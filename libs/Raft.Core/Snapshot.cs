namespace Raft.Core;

/// <summary>A snapshot of the application's state machine together with its <see cref="SnapshotMetadata"/> (Raft §7).</summary>
/// <param name="Metadata">What the snapshot covers.</param>
/// <param name="Data">The application's serialized state; opaque to the core.</param>
public sealed record Snapshot(SnapshotMetadata Metadata, ReadOnlyMemory<byte> Data)
{
    /// <summary>The snapshot of an empty state machine at index 0.</summary>
    public static readonly Snapshot Empty = new(new SnapshotMetadata(), ReadOnlyMemory<byte>.Empty);

    /// <summary>Shorthand for <see cref="SnapshotMetadata.Index"/>.</summary>
    public ulong Index => Metadata.Index;

    /// <summary>Shorthand for <see cref="SnapshotMetadata.Term"/>.</summary>
    public ulong Term => Metadata.Term;
}
