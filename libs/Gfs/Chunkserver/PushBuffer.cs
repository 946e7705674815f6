using System.Diagnostics.CodeAnalysis;

namespace Gfs;

/// <summary>
/// The chunkserver's buffer of pushed data awaiting a mutation (SOSP'03 §3.1: "an internal LRU buffer cache"), bounded in
/// bytes; the least recently touched data is dropped first, and a mutation naming dropped data is answered
/// <see cref="GfsErrorCode.DataNotFound"/> so the client pushes again. Pieces may arrive in any order or twice. Thread-safe.
/// </summary>
internal sealed class PushBuffer(long capacityBytes)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new();
    private long _bytes;

    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Stores one piece; false when it contradicts what was pushed before under the same id.</summary>
    public bool Add(ulong dataId, int offset, int totalLength, ReadOnlySpan<byte> piece)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(dataId, out var node))
            {
                node = _recency.AddFirst(new Entry(dataId, new byte[totalLength]));
                _entries[dataId] = node;
                _bytes += totalLength;
                Evict(keep: dataId);
            }
            else
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
            }

            var entry = node.Value;
            if (entry.Data.Length != totalLength)
            {
                return false;
            }

            if (entry.Pieces.Add(offset))
            {
                piece.CopyTo(entry.Data.AsSpan(offset));
                entry.Received += piece.Length;
            }

            return true;
        }
    }

    /// <summary>The complete data pushed under <paramref name="dataId"/>, if it has all arrived and is still held.</summary>
    public bool TryGet(ulong dataId, int length, [NotNullWhen(true)] out byte[]? data)
    {
        lock (_gate)
        {
            data = null;
            if (!_entries.TryGetValue(dataId, out var node) || node.Value.Received != node.Value.Data.Length || node.Value.Data.Length != length)
            {
                return false;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            data = node.Value.Data;
            return true;
        }
    }

    public void Remove(ulong dataId)
    {
        lock (_gate)
        {
            if (_entries.Remove(dataId, out var node))
            {
                _recency.Remove(node);
                _bytes -= node.Value.Data.Length;
            }
        }
    }

    private void Evict(ulong keep)
    {
        while (_bytes > capacityBytes && _recency.Last is { } oldest && oldest.Value.DataId != keep)
        {
            _recency.RemoveLast();
            _entries.Remove(oldest.Value.DataId);
            _bytes -= oldest.Value.Data.Length;
        }
    }

    private sealed class Entry(ulong dataId, byte[] data)
    {
        public ulong DataId { get; } = dataId;

        public byte[] Data { get; } = data;

        public HashSet<int> Pieces { get; } = [];

        public long Received { get; set; }
    }
}
