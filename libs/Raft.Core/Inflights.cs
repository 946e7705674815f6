namespace Raft.Core;

/// <summary>
/// The Append messages sent to one follower and not yet acknowledged, bounded by count and by bytes. Each is remembered by its
/// last entry index, so an acknowledgement up to an index frees every message at or before it.
/// </summary>
internal sealed class Inflights
{
    private readonly Queue<(ulong Index, long Bytes)> _queue = new();
    private readonly int _maxCount;
    private readonly long _maxBytes;

    public Inflights(int maxCount, long maxBytes)
    {
        _maxCount = maxCount;
        _maxBytes = maxBytes;
    }

    public int Count => _queue.Count;

    public long Bytes { get; private set; }

    public bool IsFull => _queue.Count >= _maxCount || Bytes >= _maxBytes;

    public void Add(ulong index, long bytes)
    {
        Invariant.Holds(!IsFull, "an Append was sent to a follower whose inflight window is full");
        _queue.Enqueue((index, bytes));
        Bytes += bytes;
    }

    public void FreeTo(ulong index)
    {
        while (_queue.Count > 0 && _queue.Peek().Index <= index)
        {
            Bytes -= _queue.Dequeue().Bytes;
        }
    }

    public void FreeFirst()
    {
        if (_queue.Count > 0)
        {
            Bytes -= _queue.Dequeue().Bytes;
        }
    }

    public void Reset()
    {
        _queue.Clear();
        Bytes = 0;
    }
}
