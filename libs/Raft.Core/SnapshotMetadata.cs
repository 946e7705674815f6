using MessagePack;

namespace Raft.Core;

/// <summary>What a snapshot replaces: every entry up to <see cref="Index"/>, and the membership in force at that point.</summary>
[MessagePackObject]
public sealed record SnapshotMetadata
{
    /// <summary>The index of the last entry the snapshot covers.</summary>
    [Key(0)]
    public ulong Index { get; init; }

    /// <summary>The term of the last entry the snapshot covers.</summary>
    [Key(1)]
    public ulong Term { get; init; }

    /// <summary>The membership after applying every entry up to <see cref="Index"/>.</summary>
    [Key(2)]
    public ConfigurationState Configuration { get; init; } = ConfigurationState.Empty;
}
