namespace Raft.Core;

/// <summary>
/// The in-memory entries of a log store: consecutive entries kept as values (term, kind, payload) in chunks of
/// <see cref="ChunkEntries"/>, growing and shrinking at both ends (appends and overwritten suffixes at the back, compaction at
/// the front) without ever copying what they hold. The caller knows the index of the first entry.
/// </summary>
/// <remarks>
/// <para>
/// Entries stay here until the log is compacted, so a <see cref="LogEntry"/> object per entry would be copied by the garbage
/// collector from generation 0 to 1 and again to 2, and traced in every full collection. As values in a few chunk arrays they
/// cost neither; <see cref="Get"/> makes a short-lived <see cref="LogEntry"/> when one is read. The objects appended to the
/// last two chunks are kept as well and handed out as they are, since the newest entries are read again at once (to send
/// them to followers, to apply them); they are let go when their chunk falls behind, while still young.
/// </para>
/// <para>
/// A <see cref="List{T}"/> of a whole log doubles its array as it grows: every doubling copies all of it, and large arrays land
/// on the large object heap, where they count towards a full collection. Chunks stay below the large object threshold, and
/// compaction drops whole chunks instead of moving the rest of the log forward.
/// </para>
/// </remarks>
internal sealed class EntryList
{
    /// <summary>Entries per chunk: 64 KiB of 32-byte values, below the large object threshold.</summary>
    public const int ChunkEntries = 1 << ChunkShift;

    private const int ChunkShift = 11;
    private const int ChunkMask = ChunkEntries - 1;
    private readonly List<Slot[]> _chunks = [];

    /// <summary>Per chunk, the objects appended to it while it was one of the last two; null for older chunks.</summary>
    private readonly List<LogEntry?[]?> _recent = [];

    /// <summary>The position of element 0 in the first chunk.</summary>
    private int _start;

    public int Count { get; private set; }

    /// <summary>The term of the entry at position <paramref name="position"/>.</summary>
    public ulong TermAt(int position) => SlotAt(position).Term;

    /// <summary>The entry at position <paramref name="position"/>, whose log index is <paramref name="index"/>.</summary>
    public LogEntry Get(int position, ulong index)
    {
        ref readonly var slot = ref SlotAt(position);
        var at = _start + position;
        if (_recent[at >> ChunkShift] is { } recent && recent[at & ChunkMask] is { } entry && entry.Index == index)
        {
            return entry;
        }

        return new LogEntry { Term = slot.Term, Index = index, Kind = slot.Kind, Data = slot.Data };
    }

    /// <summary>Appends an entry; its index must be one past the last one's (the caller checks).</summary>
    public void Add(LogEntry entry)
    {
        var position = _start + Count;
        if (position >> ChunkShift == _chunks.Count)
        {
            _chunks.Add(new Slot[ChunkEntries]);
            LogEntry?[]? recycled = null;
            if (_recent.Count >= 2 && _recent[^2] is { } falling)
            {
                // The chunk before the last one falls behind: let its objects go and reuse their array.
                _recent[^2] = null;
                Array.Clear(falling);
                recycled = falling;
            }

            _recent.Add(recycled ?? new LogEntry?[ChunkEntries]);
        }

        _chunks[position >> ChunkShift][position & ChunkMask] = new Slot(entry.Term, entry.Kind, entry.Data);
        if (_recent[position >> ChunkShift] is { } recent)
        {
            // Null when a truncation made an older chunk the last again: its entries are then only kept as values.
            recent[position & ChunkMask] = entry;
        }

        Count++;
    }

    public void AddRange(IReadOnlyList<LogEntry> entries)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            Add(entries[i]);
        }
    }

    /// <summary>Removes a prefix (<paramref name="index"/> 0) or a suffix (through the last entry); nothing in between.</summary>
    public void RemoveRange(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index + count, Count, nameof(count));
        if (count == 0)
        {
            return;
        }

        if (count == Count)
        {
            Clear();
        }
        else if (index + count == Count)
        {
            RemoveLast(count);
        }
        else if (index == 0)
        {
            RemoveFirst(count);
        }
        else
        {
            throw new ArgumentException("Only a prefix or a suffix of the entries can be removed.", nameof(index));
        }
    }

    public void Clear()
    {
        _chunks.Clear();
        _recent.Clear();
        _start = 0;
        Count = 0;
    }

    private ref readonly Slot SlotAt(int position)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)position, (uint)Count, nameof(position));
        var at = _start + position;
        return ref _chunks[at >> ChunkShift][at & ChunkMask];
    }

    private void RemoveLast(int count)
    {
        Count -= count;
        var end = _start + Count;
        if ((end & ChunkMask) != 0)
        {
            // Drop the payload references so that removed payloads can be collected.
            var chunk = _chunks[end >> ChunkShift];
            Array.Clear(chunk, end & ChunkMask, ChunkEntries - (end & ChunkMask));
            if (_recent[end >> ChunkShift] is { } recent)
            {
                Array.Clear(recent, end & ChunkMask, ChunkEntries - (end & ChunkMask));
            }
        }

        var keep = (end + ChunkMask) >> ChunkShift;
        _chunks.RemoveRange(keep, _chunks.Count - keep);
        _recent.RemoveRange(keep, _recent.Count - keep);
    }

    private void RemoveFirst(int count)
    {
        var start = _start + count;
        var dropped = start >> ChunkShift;
        Array.Clear(_chunks[dropped], 0, start & ChunkMask);
        if (_recent[dropped] is { } recent)
        {
            Array.Clear(recent, 0, start & ChunkMask);
        }

        _chunks.RemoveRange(0, dropped);
        _recent.RemoveRange(0, dropped);
        _start = start & ChunkMask;
        Count -= count;
    }

    private readonly record struct Slot(ulong Term, EntryKind Kind, ReadOnlyMemory<byte> Data);
}
