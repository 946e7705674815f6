using System.Runtime.InteropServices;
using Cluster.Core;

namespace Haystack;

/// <summary>
/// The in-memory index of one volume: (key, alternate key) to the needle's offset and length, built to
/// spend about 14 bytes of RAM per needle.
/// </summary>
/// <remarks>
/// <para>Most entries live in one sorted array of packed 14-byte records, split into 65,536 buckets by
/// the top 16 bits of the key, so only the low 48 bits are stored. Offsets and lengths are kept in
/// 8-byte units (volumes up to 32 GiB, needles up to 128 MiB); alternate keys below 255 fit in one
/// byte, larger ones go to a small overflow table. New entries land in a bounded dictionary that is
/// merged into the array once it grows past 1/64 of it, which keeps inserts amortised cheap and the
/// dictionary's share of RAM around one byte per needle. Deletes leave a tombstone in the
/// array until the next merge.</para>
/// <para>Not thread-safe; the volume serialises access.</para>
/// </remarks>
internal sealed class NeedleIndex
{
    public const long MaxOffset = (long)uint.MaxValue * NeedleFormat.Alignment;
    public const int MaxNeedleBytes = ((1 << 24) - 1) * NeedleFormat.Alignment;
    private const int BucketCount = 1 << 16;
    private const byte OverflowAlternate = byte.MaxValue;
    private const int MinRecentBeforeMerge = 4096;

    private PackedEntry[] _sorted = [];
    private readonly int[] _bucketStarts = new int[BucketCount + 1];
    private readonly Dictionary<(ulong Key, uint Alternate), NeedleLocation> _recent = [];
    private readonly Dictionary<(ulong Key, uint Alternate), NeedleLocation> _overflow = [];
    private int _sortedLive;
    private int _tombstones;
    private long _liveBytes;

    /// <summary>The bytes on disk of the live needles, padding included.</summary>
    public long LiveBytes => _liveBytes;

    /// <summary>The number of live needles.</summary>
    public int Count => _sortedLive + _recent.Count + _overflow.Count;

    /// <summary>An estimate of the managed bytes this index holds, for the RAM-per-needle report.</summary>
    public long EstimatedBytes =>
        ((long)_sorted.Length * Marshal.SizeOf<PackedEntry>())
        + ((long)_bucketStarts.Length * sizeof(int))
        + ((long)(_recent.Capacity + _overflow.Capacity) * DictionaryEntryBytes);

    // Key (12 B padded to 16), value (16 B), hash code and next link (8 B), bucket slot (4 B).
    private const int DictionaryEntryBytes = 44;

    public bool TryGet(ulong key, uint alternateKey, out NeedleLocation location)
    {
        if (_recent.TryGetValue((key, alternateKey), out location))
        {
            return true;
        }

        if (alternateKey >= OverflowAlternate)
        {
            return _overflow.TryGetValue((key, alternateKey), out location);
        }

        var index = FindSorted(key, (byte)alternateKey);
        if (index >= 0 && _sorted[index].OffsetUnits != 0)
        {
            location = _sorted[index].Location;
            return true;
        }

        location = default;
        return false;
    }

    /// <summary>Adds or replaces the entry of (key, alternate key).</summary>
    public void Set(ulong key, uint alternateKey, NeedleLocation location)
    {
        Invariant.Check(location.Offset > 0 && location.Offset <= MaxOffset && location.Offset % NeedleFormat.Alignment == 0, "Needle offsets are positive, aligned and within 32 GiB.");
        Invariant.Check(location.Length > 0 && location.Length <= MaxNeedleBytes && location.Length % NeedleFormat.Alignment == 0, "Needle lengths are positive, aligned and under 128 MiB.");
        _liveBytes += location.Length - (TryGet(key, alternateKey, out var previous) ? previous.Length : 0);
        if (alternateKey >= OverflowAlternate)
        {
            _overflow[(key, alternateKey)] = location;
            return;
        }

        var index = FindSorted(key, (byte)alternateKey);
        if (index >= 0)
        {
            // Replace in place: the array already has a slot for this key.
            if (_sorted[index].OffsetUnits == 0)
            {
                _tombstones--;
                _sortedLive++;
            }

            _sorted[index] = PackedEntry.Create(key, (byte)alternateKey, location);
            return;
        }

        _recent[(key, alternateKey)] = location;
        if (_recent.Count > Math.Max(MinRecentBeforeMerge, _sorted.Length / 64))
        {
            Merge();
        }
    }

    /// <summary>Removes the entry of (key, alternate key); true when there was one.</summary>
    public bool Remove(ulong key, uint alternateKey)
    {
        if (_recent.Remove((key, alternateKey), out var removed)
            || (alternateKey >= OverflowAlternate && _overflow.Remove((key, alternateKey), out removed)))
        {
            _liveBytes -= removed.Length;
            return true;
        }

        if (alternateKey >= OverflowAlternate)
        {
            return false;
        }

        var index = FindSorted(key, (byte)alternateKey);
        if (index < 0 || _sorted[index].OffsetUnits == 0)
        {
            return false;
        }

        _liveBytes -= _sorted[index].Location.Length;
        _sorted[index].OffsetUnits = 0;
        _sortedLive--;
        _tombstones++;
        if (_tombstones > Math.Max(MinRecentBeforeMerge, _sorted.Length / 8))
        {
            Merge();
        }

        return true;
    }

    /// <summary>Every live entry, in no particular order.</summary>
    public IEnumerable<(ulong Key, uint AlternateKey, NeedleLocation Location)> Entries()
    {
        for (var bucket = 0; bucket < BucketCount; bucket++)
        {
            for (var i = _bucketStarts[bucket]; i < _bucketStarts[bucket + 1]; i++)
            {
                var entry = _sorted[i];
                if (entry.OffsetUnits != 0)
                {
                    yield return (entry.Key((ushort)bucket), entry.Alternate, entry.Location);
                }
            }
        }

        foreach (var ((key, alternate), location) in _recent)
        {
            yield return (key, alternate, location);
        }

        foreach (var ((key, alternate), location) in _overflow)
        {
            yield return (key, alternate, location);
        }
    }

    /// <summary>Forgets every entry.</summary>
    public void Clear()
    {
        _sorted = [];
        Array.Clear(_bucketStarts);
        _recent.Clear();
        _overflow.Clear();
        _sortedLive = 0;
        _tombstones = 0;
        _liveBytes = 0;
    }

    /// <summary>Folds the recent entries into the sorted array and drops tombstones.</summary>
    public void Merge()
    {
        var fresh = new PackedEntry[_sortedLive + _recent.Count];
        var recent = _recent.Select(pair => (Bucket: (ushort)(pair.Key.Key >> 48), Entry: PackedEntry.Create(pair.Key.Key, (byte)pair.Key.Alternate, pair.Value)))
            .OrderBy(item => item.Bucket).ThenBy(item => item.Entry.Key48).ThenBy(item => item.Entry.Alternate)
            .ToArray();
        var written = 0;
        var r = 0;
        for (var bucket = 0; bucket < BucketCount; bucket++)
        {
            var start = written;
            var i = _bucketStarts[bucket];
            var end = _bucketStarts[bucket + 1];
            while (i < end || (r < recent.Length && recent[r].Bucket == bucket))
            {
                var takeRecent = r < recent.Length && recent[r].Bucket == bucket
                    && (i >= end || Compare(recent[r].Entry, _sorted[i]) < 0);
                var entry = takeRecent ? recent[r++].Entry : _sorted[i++];
                if (entry.OffsetUnits != 0)
                {
                    fresh[written++] = entry;
                }
            }

            _bucketStarts[bucket] = start;
        }

        _bucketStarts[BucketCount] = written;
        Invariant.Check(written == fresh.Length, "A merge keeps exactly the live entries.");
        _sorted = fresh;
        _sortedLive = written;
        _tombstones = 0;
        _recent.Clear();
        _recent.TrimExcess();
    }

    private int FindSorted(ulong key, byte alternate)
    {
        var bucket = (int)(key >> 48);
        var low = _bucketStarts[bucket];
        var high = _bucketStarts[bucket + 1] - 1;
        var probe = PackedEntry.Create(key, alternate, default);
        while (low <= high)
        {
            var mid = low + ((high - low) >> 1);
            var order = Compare(_sorted[mid], probe);
            if (order == 0)
            {
                return mid;
            }

            if (order < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return -1;
    }

    private static int Compare(in PackedEntry a, in PackedEntry b)
    {
        var order = a.Key48.CompareTo(b.Key48);
        return order != 0 ? order : a.Alternate.CompareTo(b.Alternate);
    }

    [StructLayout(LayoutKind.Sequential, Pack = 2)]
    private struct PackedEntry
    {
        public uint KeyLow;
        public ushort KeyMiddle;
        public uint OffsetUnits;
        public uint LengthAndAlternate;

        public readonly ulong Key48 => ((ulong)KeyMiddle << 32) | KeyLow;

        public readonly byte Alternate => (byte)(LengthAndAlternate >> 24);

        public readonly NeedleLocation Location =>
            new((long)OffsetUnits * NeedleFormat.Alignment, (int)(LengthAndAlternate & 0xFFFFFF) * NeedleFormat.Alignment);

        public readonly ulong Key(ushort bucket) => ((ulong)bucket << 48) | Key48;

        public static PackedEntry Create(ulong key, byte alternate, NeedleLocation location) => new()
        {
            KeyLow = (uint)key,
            KeyMiddle = (ushort)(key >> 32),
            OffsetUnits = (uint)(location.Offset / NeedleFormat.Alignment),
            LengthAndAlternate = ((uint)alternate << 24) | (uint)(location.Length / NeedleFormat.Alignment),
        };
    }
}
