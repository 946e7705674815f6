namespace Raft.Core;

/// <summary>
/// Rebuilds a <see cref="SegmentedLogStore"/>'s state from its records at open, checking that each record fits the state so far.
/// Every method returns null when the record applies, or the reason it cannot (which the caller reports as corruption).
/// </summary>
/// <remarks>
/// Compaction deletes the oldest segments once a snapshot covers every entry they wrote, so the oldest kept segment may start in the
/// middle of the log. Its entries before <see cref="LogSegment.FirstIndex"/> are then unknown (<see cref="BaseKnown"/> is false) until
/// a snapshot marker at or past them is replayed; a replay that ends with the base still unknown has lost segments it needed.
/// </remarks>
internal sealed class LogReplay
{
    /// <summary>The entries after <see cref="Offset"/>, in order.</summary>
    public EntryList Entries { get; } = new();

    /// <summary>The index just before the first of <see cref="Entries"/>; equal to the snapshot's index once <see cref="BaseKnown"/>.</summary>
    public ulong Offset { get; private set; }

    /// <summary>Whether everything up to <see cref="Offset"/> is covered by <see cref="Snapshot"/> (or the log starts at index 1).</summary>
    public bool BaseKnown { get; private set; }

    /// <summary>Whether <see cref="Begin"/> was called.</summary>
    public bool Started { get; private set; }

    /// <summary>The latest snapshot marker replayed.</summary>
    public SnapshotMetadata Snapshot { get; private set; } = new();

    /// <summary>The latest hard state replayed.</summary>
    public HardState HardState { get; private set; }

    /// <summary>The index of the last entry.</summary>
    public ulong LastIndex => Offset + (ulong)Entries.Count;

    /// <summary>Starts the replay at the oldest kept segment, which begins at <paramref name="firstIndex"/>.</summary>
    public void Begin(ulong firstIndex)
    {
        Started = true;
        Offset = firstIndex - 1;
        BaseKnown = firstIndex == 1;
    }

    public void SetHardState(HardState state) => HardState = state;

    public string? Truncate(ulong fromIndex)
    {
        if (fromIndex == 0 || fromIndex > LastIndex)
        {
            return $"a truncation from index {fromIndex} outside the log (last index {LastIndex})";
        }

        if (fromIndex <= Offset)
        {
            if (BaseKnown)
            {
                return $"a truncation from index {fromIndex} reaches into the snapshot at {Offset}";
            }

            // The entries being dropped were in deleted segments; the log now restarts at the truncation point.
            Entries.Clear();
            Offset = fromIndex - 1;
            return null;
        }

        var keep = (int)(fromIndex - Offset - 1);
        Entries.RemoveRange(keep, Entries.Count - keep);
        return null;
    }

    public string? Append(ulong firstIndex, List<LogEntry> entries)
    {
        if (firstIndex != LastIndex + 1)
        {
            return $"entries starting at index {firstIndex} do not follow the last index {LastIndex}";
        }

        Entries.AddRange(entries);
        return null;
    }

    public string? Compact(SnapshotMetadata metadata)
    {
        var index = metadata.Index;
        if (index > LastIndex)
        {
            return $"a compaction to index {index} past the last index {LastIndex}";
        }

        if (BaseKnown && index <= Offset)
        {
            return $"a compaction to index {index} does not move past the snapshot at {Offset}";
        }

        if (!BaseKnown && index < Offset)
        {
            // An older marker inside the unknown part: it covers entries that are gone anyway, and a later marker must cover the rest.
            Snapshot = metadata;
            return null;
        }

        if (index > Offset && Entries.TermAt((int)(index - Offset - 1)) != metadata.Term)
        {
            return $"a compaction to index {index} in term {metadata.Term}, but the entry there has term {Entries.TermAt((int)(index - Offset - 1))}";
        }

        Entries.RemoveRange(0, (int)(index - Offset));
        Offset = index;
        Snapshot = metadata;
        BaseKnown = true;
        return null;
    }

    public string? Install(SnapshotMetadata metadata, HardState state)
    {
        if (BaseKnown && metadata.Index <= Offset)
        {
            return $"an installed snapshot at index {metadata.Index} does not move past the snapshot at {Offset}";
        }

        Entries.Clear();
        Offset = metadata.Index;
        Snapshot = metadata;
        HardState = state;
        BaseKnown = true;
        return null;
    }
}
