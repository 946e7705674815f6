namespace Raft.Core;

/// <summary>
/// The log as the algorithm sees it: stable entries in the host's <see cref="IRaftLogReader"/>, followed by <see cref="Unstable"/>
/// ones, plus the commit and apply positions.
/// </summary>
internal sealed class RaftLog
{
    private readonly IRaftLogReader _storage;
    private readonly Unstable _unstable;

    public RaftLog(IRaftLogReader storage)
    {
        _storage = storage;
        _unstable = new Unstable(storage.LastIndex + 1);
        // Everything the snapshot covers is committed and, once the host restored it, applied.
        Committed = Math.Max(storage.FirstIndex - 1, storage.Snapshot.Index);
        Applied = Committed;
    }

    public ulong Committed { get; private set; }

    public ulong Applied { get; private set; }

    public Unstable Unstable => _unstable;

    public ulong FirstIndex => _unstable.TryFirstIndex(out var index) ? index : _storage.FirstIndex;

    public ulong LastIndex => _unstable.TryLastIndex(out var index) ? index : _storage.LastIndex;

    public ulong LastTerm => Term(LastIndex);

    public bool HasPendingSnapshot => _unstable.Snapshot is not null;

    public Snapshot Snapshot => _unstable.Snapshot ?? _storage.Snapshot;

    public bool TryTerm(ulong index, out ulong term)
    {
        term = 0;
        if (index + 1 < FirstIndex || index > LastIndex)
        {
            return false;
        }

        if (_unstable.TryTerm(index, out term))
        {
            return true;
        }

        try
        {
            term = _storage.Term(index);
            return true;
        }
        catch (LogCompactedException)
        {
            return false;
        }
    }

    /// <summary>The term at <paramref name="index"/>, or 0 when the index is compacted or beyond the log.</summary>
    public ulong Term(ulong index) => TryTerm(index, out var term) ? term : 0;

    public bool MatchTerm(ulong index, ulong term) => TryTerm(index, out var actual) && actual == term;

    /// <summary>Whether a log ending at (lastIndex, lastTerm) is at least as up to date as ours (Raft §5.4.1).</summary>
    public bool IsUpToDate(ulong lastIndex, ulong lastTerm)
    {
        var ourTerm = LastTerm;
        return lastTerm > ourTerm || (lastTerm == ourTerm && lastIndex >= LastIndex);
    }

    /// <summary>Appends one entry (the leader's own), replacing any unstable entries at or after its index.</summary>
    public ulong Append(LogEntry entry)
    {
        Invariant.Holds(entry.Index > Committed, "committed entries are never overwritten (Raft §5.4)");
        _unstable.Append(entry);
        return LastIndex;
    }

    public ulong Append(IReadOnlyList<LogEntry> entries)
    {
        if (entries.Count == 0)
        {
            return LastIndex;
        }

        Invariant.Holds(entries[0].Index > Committed, "committed entries are never overwritten (Raft §5.4)");
        _unstable.TruncateAndAppend(entries);
        return LastIndex;
    }

    /// <summary>
    /// The follower side of AppendEntries (Raft §5.3): if our log has (index, logTerm), append what differs and advance the commit
    /// index. Returns false when the consistency check fails.
    /// </summary>
    public bool TryAppend(ulong index, ulong logTerm, ulong committed, IReadOnlyList<LogEntry> entries, out ulong lastNewIndex)
    {
        lastNewIndex = 0;
        if (!MatchTerm(index, logTerm))
        {
            return false;
        }

        lastNewIndex = index + (ulong)entries.Count;
        var conflict = FindConflict(entries);
        if (conflict != 0)
        {
            Invariant.Holds(conflict > Committed, "an entry conflicting with a committed one came from a leader (Raft §5.4)");
            var skip = (int)(conflict - index - 1);
            Append(skip == 0 ? entries : [.. entries.Skip(skip)]);
        }

        CommitTo(Math.Min(committed, lastNewIndex));
        return true;
    }

    /// <summary>The index of the first entry whose term differs from ours or that we lack; 0 when all match (Raft §5.3: only delete on conflict).</summary>
    private ulong FindConflict(IReadOnlyList<LogEntry> entries)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (!MatchTerm(entry.Index, entry.Term))
            {
                return entry.Index;
            }
        }

        return 0;
    }

    /// <summary>The first index of the run of entries with the same term as <paramref name="index"/>, not before <see cref="FirstIndex"/>.</summary>
    public ulong FirstIndexOfTerm(ulong index)
    {
        var term = Term(index);
        var first = FirstIndex;
        while (index > first && TryTerm(index - 1, out var previous) && previous == term)
        {
            index--;
        }

        return index;
    }

    /// <summary>The last index at or before <paramref name="index"/> whose term is <paramref name="term"/>, or 0 when there is none (or it is compacted).</summary>
    public ulong LastIndexOfTerm(ulong term, ulong index)
    {
        index = Math.Min(index, LastIndex);
        while (TryTerm(index, out var actual))
        {
            if (actual == term)
            {
                return index;
            }

            if (actual < term || index == 0)
            {
                return 0;
            }

            index--;
        }

        return 0;
    }

    public void CommitTo(ulong index)
    {
        if (index <= Committed)
        {
            return;
        }

        Invariant.Holds(index <= LastIndex, "commit index beyond the last index: the log is corrupt, truncated or lost");
        Committed = index;
    }

    public void AppliedTo(ulong index)
    {
        if (index == 0)
        {
            return;
        }

        Invariant.Holds(index <= Committed && index >= Applied, "applied index must stay within [applied, committed]");
        Applied = index;
    }

    public void StableTo(ulong index, ulong term) => _unstable.StableTo(index, term);

    public void StableSnapshotTo(ulong index) => _unstable.StableSnapshotTo(index);

    public void Restore(Snapshot snapshot)
    {
        Committed = snapshot.Index;
        _unstable.Restore(snapshot);
    }

    /// <summary>Entries in [low, high) up to <paramref name="maxBytes"/> (at least one); false when part of the range is compacted.</summary>
    public bool TrySlice(ulong low, ulong high, long maxBytes, out IReadOnlyList<LogEntry> entries)
    {
        entries = [];
        if (low >= high)
        {
            return true;
        }

        if (low < FirstIndex)
        {
            return false;
        }

        Invariant.Holds(high <= LastIndex + 1, "slice beyond the last index");
        var unstableOffset = _unstable.Offset;
        IReadOnlyList<LogEntry> stored = [];
        if (low < unstableOffset)
        {
            try
            {
                stored = _storage.Entries(low, Math.Min(high, unstableOffset), maxBytes);
            }
            catch (LogCompactedException)
            {
                return false;
            }

            if (high <= unstableOffset || (ulong)stored.Count < unstableOffset - low)
            {
                // All from storage, which already kept to maxBytes: no copy.
                entries = stored;
                return true;
            }
        }

        var result = new List<LogEntry>((int)Math.Min(high - low, 1024));
        result.AddRange(stored);
        _unstable.CopyTo(result, Math.Max(low, unstableOffset), high);
        entries = LimitSize(result, maxBytes);
        return true;
    }

    public bool HasNextCommittedEntries => !HasPendingSnapshot && Committed > Applied;

    public IReadOnlyList<LogEntry> NextCommittedEntries(long maxBytes)
    {
        if (!HasNextCommittedEntries)
        {
            return [];
        }

        var ok = TrySlice(Math.Max(Applied + 1, FirstIndex), Committed + 1, maxBytes, out var entries);
        Invariant.Holds(ok, "committed but unapplied entries were compacted");
        return entries;
    }

    public static IReadOnlyList<LogEntry> LimitSize(List<LogEntry> entries, long maxBytes)
    {
        long size = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            size += entries[i].SizeBytes;
            if (i > 0 && size > maxBytes)
            {
                return entries.GetRange(0, i);
            }
        }

        return entries;
    }
}
