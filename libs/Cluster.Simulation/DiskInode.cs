namespace Cluster.Simulation;

/// <summary>
/// One file's contents on a <see cref="SimulatedDisk"/>: the image readers see now, the image an fsync
/// made durable, and the changes in between, in order, so a crash can keep any prefix of them.
/// </summary>
internal sealed class DiskInode(long id)
{
    private byte[] _current = [];
    private byte[] _durable = [];

    public long Id { get; } = id;

    public long Length { get; private set; }

    public long DurableLength { get; private set; }

    public List<PendingWrite> Pending { get; } = [];

    /// <summary>Whether a name in the disk's current directory points here (for space accounting).</summary>
    public bool Linked { get; set; }

    public ReadOnlySpan<byte> CurrentBytes => _current.AsSpan(0, (int)Length);

    public void ApplyCurrent(in PendingWrite change)
    {
        var length = Length;
        Apply(ref _current, ref length, in change);
        Length = length;
        Pending.Add(change);
    }

    /// <summary>Makes the changes up to <paramref name="sequence"/> durable, as a completed fsync does.</summary>
    public int MakeDurable(long sequence)
    {
        var count = 0;
        var durableLength = DurableLength;
        while (count < Pending.Count && Pending[count].Sequence <= sequence)
        {
            Apply(ref _durable, ref durableLength, Pending[count]);
            count++;
        }

        DurableLength = durableLength;
        Pending.RemoveRange(0, count);
        return count;
    }

    /// <summary>Applies a change to the durable image only, as a crash that let it reach the medium does.</summary>
    public void ApplyDurable(in PendingWrite change)
    {
        var durableLength = DurableLength;
        Apply(ref _durable, ref durableLength, in change);
        DurableLength = durableLength;
    }

    /// <summary>After a crash: what is on the medium is all there is.</summary>
    public void ResetToDurable()
    {
        Pending.Clear();
        _current = _durable.AsSpan(0, (int)DurableLength).ToArray();
        Length = DurableLength;
    }

    public int Read(long offset, Span<byte> destination)
    {
        if (offset >= Length)
        {
            return 0;
        }

        var count = (int)Math.Min(destination.Length, Length - offset);
        _current.AsSpan((int)offset, count).CopyTo(destination);
        return count;
    }

    /// <summary>Flips one stored bit in both images: the medium itself went bad.</summary>
    public void FlipBit(long offset, int bit)
    {
        if (offset < Length)
        {
            _current[offset] ^= (byte)(1 << bit);
        }

        if (offset < DurableLength)
        {
            _durable[offset] ^= (byte)(1 << bit);
        }
    }

    private static void Apply(ref byte[] buffer, ref long length, in PendingWrite change)
    {
        if (change.Data is { } data)
        {
            var end = change.Offset + data.Length;
            EnsureLength(ref buffer, ref length, end);
            data.CopyTo(buffer.AsSpan((int)change.Offset));
        }
        else
        {
            if (change.Length < length)
            {
                // Clear the cut tail so a later extension reads zeros, as the contract promises for gaps.
                buffer.AsSpan((int)change.Length, (int)(length - change.Length)).Clear();
                length = change.Length;
            }
            else
            {
                EnsureLength(ref buffer, ref length, change.Length);
            }
        }
    }

    private static void EnsureLength(ref byte[] buffer, ref long length, long end)
    {
        if (end > buffer.Length)
        {
            if (end > Array.MaxLength)
            {
                throw new IOException($"A simulated file cannot grow to {end} bytes.");
            }

            var capacity = Math.Max(end, Math.Min((long)Array.MaxLength, Math.Max(256, (long)buffer.Length * 2)));
            Array.Resize(ref buffer, (int)capacity);
        }

        if (end > length)
        {
            length = end;
        }
    }
}
