using System.Runtime.InteropServices;

namespace Raft.Core;

/// <summary>
/// The tail of the log not yet persisted by the host: entries from <see cref="Offset"/> on, and possibly a snapshot received
/// from the leader. Once the host persists them and advances, they move to the <see cref="IRaftLogReader"/>.
/// </summary>
internal sealed class Unstable
{
    private List<LogEntry> _entries = [];

    public Unstable(ulong offset) => Offset = offset;

    /// <summary>The index of the first unstable entry.</summary>
    public ulong Offset { get; private set; }

    public Snapshot? Snapshot { get; private set; }

    public IReadOnlyList<LogEntry> Entries => _entries;

    public bool TryFirstIndex(out ulong index)
    {
        index = Snapshot is null ? 0 : Snapshot.Index + 1;
        return Snapshot is not null;
    }

    public bool TryLastIndex(out ulong index)
    {
        if (_entries.Count > 0)
        {
            index = Offset + (ulong)_entries.Count - 1;
            return true;
        }

        index = Snapshot?.Index ?? 0;
        return Snapshot is not null;
    }

    public bool TryTerm(ulong index, out ulong term)
    {
        term = 0;
        if (index < Offset)
        {
            if (Snapshot is not null && Snapshot.Index == index)
            {
                term = Snapshot.Term;
                return true;
            }

            return false;
        }

        if (!TryLastIndex(out var last) || index > last)
        {
            return false;
        }

        term = _entries[(int)(index - Offset)].Term;
        return true;
    }

    /// <summary>The host persisted entries up to (index, term); drop them unless they were replaced in the meantime.</summary>
    public void StableTo(ulong index, ulong term)
    {
        if (!TryTerm(index, out var actual) || actual != term || index < Offset)
        {
            return;
        }

        _entries.RemoveRange(0, (int)(index + 1 - Offset));
        Offset = index + 1;
    }

    public void StableSnapshotTo(ulong index)
    {
        if (Snapshot is not null && Snapshot.Index == index)
        {
            Snapshot = null;
        }
    }

    public void Restore(Snapshot snapshot)
    {
        Offset = snapshot.Index + 1;
        _entries = [];
        Snapshot = snapshot;
    }

    /// <summary>Appends one entry, replacing any at or after its index.</summary>
    public void Append(LogEntry entry)
    {
        if (entry.Index == Offset + (ulong)_entries.Count)
        {
            _entries.Add(entry);
        }
        else
        {
            TruncateAndAppend([entry]);
        }
    }

    public void TruncateAndAppend(IReadOnlyList<LogEntry> entries)
    {
        var first = entries[0].Index;
        var end = Offset + (ulong)_entries.Count;
        if (first == end)
        {
            _entries.AddRange(entries);
        }
        else if (first <= Offset)
        {
            // The new entries replace everything unstable; storage entries at or after `first` are shadowed until overwritten.
            Offset = first;
            _entries = [.. entries];
        }
        else
        {
            _entries.RemoveRange((int)(first - Offset), (int)(end - first));
            _entries.AddRange(entries);
        }
    }

    /// <summary>Adds the entries in [low, high), which must lie within the unstable range, to <paramref name="destination"/>.</summary>
    public void CopyTo(List<LogEntry> destination, ulong low, ulong high)
    {
        Invariant.Holds(low >= Offset && high <= Offset + (ulong)_entries.Count && low <= high, "unstable slice out of range");
        destination.AddRange(CollectionsMarshal.AsSpan(_entries).Slice((int)(low - Offset), (int)(high - low)));
    }
}
