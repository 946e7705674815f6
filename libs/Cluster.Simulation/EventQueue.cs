namespace Cluster.Simulation;

/// <summary>
/// A binary min-heap of <see cref="ScheduledEvent"/> ordered by time and then by the sequence number
/// given at scheduling, so events due at the same instant run in the order they were scheduled.
/// </summary>
/// <remarks>Hand-written rather than <c>PriorityQueue</c> so entries stay inline structs and ties break on the sequence.</remarks>
internal sealed class EventQueue
{
    private ScheduledEvent[] _heap;
    private int _count;

    public EventQueue(int initialCapacity) => _heap = new ScheduledEvent[Math.Max(16, initialCapacity)];

    public int Count => _count;

    /// <summary>The time of the earliest event; only valid when <see cref="Count"/> is positive.</summary>
    public long PeekTime => _heap[0].Time;

    public void Push(in ScheduledEvent item)
    {
        if (_count == _heap.Length)
        {
            Array.Resize(ref _heap, _heap.Length * 2);
        }

        var index = _count++;
        var heap = _heap;
        while (index > 0)
        {
            var parent = (index - 1) >> 1;
            if (!item.RunsBefore(heap[parent]))
            {
                break;
            }

            heap[index] = heap[parent];
            index = parent;
        }

        heap[index] = item;
    }

    public ScheduledEvent Pop()
    {
        var heap = _heap;
        var result = heap[0];
        var last = --_count;
        if (last > 0)
        {
            var item = heap[last];
            var index = 0;
            while (true)
            {
                var child = (index << 1) + 1;
                if (child >= last)
                {
                    break;
                }

                if (child + 1 < last && heap[child + 1].RunsBefore(heap[child]))
                {
                    child++;
                }

                if (!heap[child].RunsBefore(item))
                {
                    break;
                }

                heap[index] = heap[child];
                index = child;
            }

            heap[index] = item;
        }

        // Drop references so abandoned nodes' objects can be collected.
        heap[last] = default;
        return result;
    }
}
