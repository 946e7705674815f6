namespace Cluster.Simulation;

/// <summary>
/// A binary min-heap of events ordered by time and then by the sequence number given at scheduling, so
/// events due at the same instant run in the order they were scheduled.
/// </summary>
/// <remarks>
/// The heap itself holds only (time, sequence, slot) triples without references, so sifting moves plain
/// 24-byte structs and triggers no GC write barriers; each event's references live in a slot of a side
/// array written once on push and cleared on pop. Hand-written rather than <c>PriorityQueue</c> so that
/// nothing is allocated per event.
/// </remarks>
internal sealed class EventQueue
{
    private HeapEntry[] _heap;
    private ScheduledEvent[] _slots;
    private int[] _freeSlots;
    private int _freeCount;
    private int _count;

    public EventQueue(int initialCapacity)
    {
        var capacity = Math.Max(16, initialCapacity);
        _heap = new HeapEntry[capacity];
        _slots = new ScheduledEvent[capacity];
        _freeSlots = new int[capacity];
        for (var i = 0; i < capacity; i++)
        {
            _freeSlots[i] = capacity - 1 - i;
        }

        _freeCount = capacity;
    }

    public int Count => _count;

    /// <summary>The time of the earliest event; only valid when <see cref="Count"/> is positive.</summary>
    public long PeekTime => _heap[0].Time;

    public void Push(in ScheduledEvent item)
    {
        if (_count == _heap.Length)
        {
            Grow();
        }

        var slot = _freeSlots[--_freeCount];
        _slots[slot] = item;
        var entry = new HeapEntry(item.Time, item.Sequence, slot);
        var heap = _heap;
        var index = _count++;
        while (index > 0)
        {
            var parent = (index - 1) >> 1;
            if (!entry.RunsBefore(in heap[parent]))
            {
                break;
            }

            heap[index] = heap[parent];
            index = parent;
        }

        heap[index] = entry;
    }

    public ScheduledEvent Pop()
    {
        var heap = _heap;
        var top = heap[0];
        var last = --_count;
        if (last > 0)
        {
            var entry = heap[last];
            var index = 0;
            while (true)
            {
                var child = (index << 1) + 1;
                if (child >= last)
                {
                    break;
                }

                if (child + 1 < last && heap[child + 1].RunsBefore(in heap[child]))
                {
                    child++;
                }

                if (!heap[child].RunsBefore(in entry))
                {
                    break;
                }

                heap[index] = heap[child];
                index = child;
            }

            heap[index] = entry;
        }

        var result = _slots[top.Slot];

        // Drop the references so abandoned nodes' objects can be collected.
        _slots[top.Slot] = default;
        _freeSlots[_freeCount++] = top.Slot;
        return result;
    }

    private void Grow()
    {
        var oldCapacity = _heap.Length;
        var capacity = oldCapacity * 2;
        Array.Resize(ref _heap, capacity);
        Array.Resize(ref _slots, capacity);
        Array.Resize(ref _freeSlots, capacity);

        // Every old slot is in use when the heap is full, so the free list is exactly the new slots.
        for (var i = 0; i < capacity - oldCapacity; i++)
        {
            _freeSlots[i] = capacity - 1 - i;
        }

        _freeCount = capacity - oldCapacity;
    }

    private readonly record struct HeapEntry(long Time, long Sequence, int Slot)
    {
        public bool RunsBefore(in HeapEntry other) =>
            Time < other.Time || (Time == other.Time && Sequence < other.Sequence);
    }
}
