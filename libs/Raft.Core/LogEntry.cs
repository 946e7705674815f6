using MessagePack;

namespace Raft.Core;

/// <summary>One entry of the replicated log: a position (term and index), a kind and an opaque payload.</summary>
/// <remarks>Entries are immutable; equality compares the payload by reference, so compare <see cref="Data"/> by content where that matters.</remarks>
[MessagePackObject]
public sealed record LogEntry
{
    /// <summary>Bytes charged per entry on top of its payload when sizes are limited.</summary>
    public const int OverheadBytes = 24;

    /// <summary>The term of the leader that created the entry.</summary>
    [Key(0)]
    public ulong Term { get; init; }

    /// <summary>The position of the entry in the log; the first entry has index 1.</summary>
    [Key(1)]
    public ulong Index { get; init; }

    /// <summary>What the entry carries.</summary>
    [Key(2)]
    public EntryKind Kind { get; init; }

    /// <summary>The payload: a command for <see cref="EntryKind.Normal"/>, an encoded <see cref="ConfigChange"/>, or empty.</summary>
    [Key(3)]
    [MessagePackFormatter(typeof(EntryDataFormatter))]
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>The size charged against byte limits: the payload plus <see cref="OverheadBytes"/>.</summary>
    [IgnoreMember]
    public long SizeBytes => Data.Length + OverheadBytes;

    /// <inheritdoc />
    public override string ToString() => $"{Index}/{Term} {Kind} ({Data.Length} B)";
}
