namespace Raft.Core;

/// <summary>
/// The in-memory entries of a log store: a list in chunks of <see cref="ChunkEntries"/> entries that grows and shrinks at both
/// ends (appends and overwritten suffixes at the back, compaction at the front) without ever copying what it holds.
/// </summary>
/// <remarks>
/// A <see cref="List{T}"/> of a whole log doubles its array as it grows: every doubling copies all of it, and past about ten
/// thousand entries each new array lands on the large object heap, where it counts towards a full collection. Chunks stay
/// small, and compaction drops whole chunks instead of moving the rest of the log forward.
/// </remarks>
internal sealed class EntryList
{
    /// <summary>Entries per chunk: 32 KiB of references, below the large object threshold.</summary>
    public const int ChunkEntries = 1 << ChunkShift;

    private const int ChunkShift = 12;
    private const int ChunkMask = ChunkEntries - 1;
    private readonly List<LogEntry[]> _chunks = [];

    /// <summary>The position of element 0 in the first chunk.</summary>
    private int _start;

    public int Count { get; private set; }

    public LogEntry this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            var position = _start + index;
            return _chunks[position >> ChunkShift][position & ChunkMask];
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            var position = _start + index;
            _chunks[position >> ChunkShift][position & ChunkMask] = value;
        }
    }

    public void Add(LogEntry entry)
    {
        var position = _start + Count;
        if (position >> ChunkShift == _chunks.Count)
        {
            _chunks.Add(new LogEntry[ChunkEntries]);
        }

        _chunks[position >> ChunkShift][position & ChunkMask] = entry;
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
        _start = 0;
        Count = 0;
    }

    private void RemoveLast(int count)
    {
        Count -= count;
        var end = _start + Count;
        if ((end & ChunkMask) != 0)
        {
            // Drop the references so that removed entries can be collected.
            var chunk = _chunks[end >> ChunkShift];
            Array.Clear(chunk, end & ChunkMask, ChunkEntries - (end & ChunkMask));
        }

        var keep = (end + ChunkMask) >> ChunkShift;
        _chunks.RemoveRange(keep, _chunks.Count - keep);
    }

    private void RemoveFirst(int count)
    {
        var start = _start + count;
        var dropped = start >> ChunkShift;
        Array.Clear(_chunks[dropped], 0, start & ChunkMask);
        _chunks.RemoveRange(0, dropped);
        _start = start & ChunkMask;
        Count -= count;
    }
}
