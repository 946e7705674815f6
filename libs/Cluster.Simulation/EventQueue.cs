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
    private int[] _positions;
    private int _freeCount;
    private int _count;

    public EventQueue(int initialCapacity)
    {
        var capacity = Math.Max(16, initialCapacity);
        _heap = new HeapEntry[capacity];
        _slots = new ScheduledEvent[capacity];
        _freeSlots = new int[capacity];
        _positions = new int[capacity];
        for (var i = 0; i < capacity; i++)
        {
            _freeSlots[i] = capacity - 1 - i;
        }

        _freeCount = capacity;
    }

    public int Count => _count;

    /// <summary>The time of the earliest event; only valid when <see cref="Count"/> is positive.</summary>
    public long PeekTime => _heap[0].Time;

    /// <summary>Adds an event; returns its slot, which with its sequence number identifies it for <see cref="Remove"/>.</summary>
    public int Push(in ScheduledEvent item)
    {
        if (_count == _heap.Length)
        {
            Grow();
        }

        var slot = _freeSlots[--_freeCount];
        _slots[slot] = item;
        SiftUp(_count++, new HeapEntry(item.Time, item.Sequence, slot));
        return slot;
    }

    public ScheduledEvent Pop()
    {
        var top = _heap[0];
        RemoveAt(0);
        return Release(top.Slot);
    }

    /// <summary>
    /// Removes the event in <paramref name="slot"/> if it is still the one scheduled with
    /// <paramref name="sequence"/> (it may have run, or the slot may hold a newer event by now).
    /// </summary>
    public bool Remove(int slot, long sequence)
    {
        if ((uint)slot >= (uint)_slots.Length || _slots[slot].Context is null || _slots[slot].Sequence != sequence)
        {
            return false;
        }

        RemoveAt(_positions[slot]);
        Release(slot);
        return true;
    }

    private ScheduledEvent Release(int slot)
    {
        var result = _slots[slot];

        // Drop the references so abandoned nodes' objects can be collected.
        _slots[slot] = default;
        _freeSlots[_freeCount++] = slot;
        return result;
    }

    private void RemoveAt(int index)
    {
        var last = --_count;
        if (index == last)
        {
            return;
        }

        var entry = _heap[last];
        if (index > 0 && entry.RunsBefore(in _heap[(index - 1) >> 1]))
        {
            SiftUp(index, entry);
        }
        else
        {
            SiftDown(index, entry, last);
        }
    }

    private void SiftUp(int index, HeapEntry entry)
    {
        var heap = _heap;
        var positions = _positions;
        while (index > 0)
        {
            var parent = (index - 1) >> 1;
            if (!entry.RunsBefore(in heap[parent]))
            {
                break;
            }

            heap[index] = heap[parent];
            positions[heap[index].Slot] = index;
            index = parent;
        }

        heap[index] = entry;
        positions[entry.Slot] = index;
    }

    private void SiftDown(int index, HeapEntry entry, int count)
    {
        var heap = _heap;
        var positions = _positions;
        while (true)
        {
            var child = (index << 1) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && heap[child + 1].RunsBefore(in heap[child]))
            {
                child++;
            }

            if (!heap[child].RunsBefore(in entry))
            {
                break;
            }

            heap[index] = heap[child];
            positions[heap[index].Slot] = index;
            index = child;
        }

        heap[index] = entry;
        positions[entry.Slot] = index;
    }

    private void Grow()
    {
        var oldCapacity = _heap.Length;
        var capacity = oldCapacity * 2;
        Array.Resize(ref _heap, capacity);
        Array.Resize(ref _slots, capacity);
        Array.Resize(ref _freeSlots, capacity);
        Array.Resize(ref _positions, capacity);

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
