namespace Raft.Core;

/// <summary>What a <see cref="SegmentedLogStore"/> remembers about one of its segment files.</summary>
internal sealed class LogSegment(string name, ulong sequence, ulong firstIndex)
{
    /// <summary>The file's storage name.</summary>
    public string Name { get; } = name;

    /// <summary>The segment's place in the order of segments; consecutive from the oldest kept one.</summary>
    public ulong Sequence { get; } = sequence;

    /// <summary>The index the log's next entry had when the segment was started.</summary>
    public ulong FirstIndex { get; } = firstIndex;

    /// <summary>
    /// The highest entry index any record of this segment wrote (zero for none). Once a snapshot covers it, nothing in the segment
    /// is needed any more: every later entry, the hard state and the snapshot marker are in later segments.
    /// </summary>
    public ulong MaxIndexWritten { get; private set; }

    /// <summary>Whether a later segment starts from an installed snapshot, which makes this one useless whatever it holds.</summary>
    public bool Obsolete { get; set; }

    /// <summary>Records that a record of this segment wrote entries up to <paramref name="lastIndex"/>.</summary>
    public void NoteWritten(ulong lastIndex) => MaxIndexWritten = Math.Max(MaxIndexWritten, lastIndex);

    /// <inheritdoc />
    public override string ToString() => Name;
}
