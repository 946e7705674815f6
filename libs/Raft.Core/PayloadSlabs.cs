namespace Raft.Core;

/// <summary>
/// Where entry payloads live: small payloads are carved one after another out of shared slabs on the pinned object heap,
/// larger ones get an array of their own.
/// </summary>
/// <remarks>
/// <para>
/// Log entries outlive many garbage collections (until the log is compacted), so every byte of them would otherwise be copied
/// from generation 0 to 1 and again to 2. In <c>compare raft</c> without fsync, copying the payloads of retained entries was most
/// of the time spent in GC pauses. Slabs on the pinned object heap are never moved, and one slab holds hundreds of payloads,
/// so the collector neither copies nor traces them one by one.
/// </para>
/// <para>
/// A slab stays alive while any payload in it is referenced. Entries are dropped in log order, so neighbours in a slab die
/// together; a state machine that keeps a slice of a command instead of copying it keeps its whole slab alive
/// (<see cref="SlabBytes"/> at most). Each thread fills its own slab, so no lock is taken.
/// </para>
/// </remarks>
internal static class PayloadSlabs
{
    /// <summary>The size of one slab.</summary>
    public const int SlabBytes = 64 * 1024;

    /// <summary>Payloads larger than this get their own array, so a slab never holds only a few of them.</summary>
    public const int MaxSlabPayloadBytes = 2 * 1024;

    [ThreadStatic]
    private static byte[]? t_slab;

    [ThreadStatic]
    private static int t_used;

    /// <summary>A new buffer of exactly <paramref name="length"/> bytes, not shared with any other live buffer.</summary>
    public static Memory<byte> Allocate(int length)
    {
        if (length == 0)
        {
            return Memory<byte>.Empty;
        }

        if (length > MaxSlabPayloadBytes)
        {
            return new byte[length];
        }

        var slab = t_slab;
        var used = t_used;
        if (slab is null || SlabBytes - used < length)
        {
            slab = t_slab = GC.AllocateUninitializedArray<byte>(SlabBytes, pinned: true);
            used = 0;
        }

        t_used = used + length;
        return slab.AsMemory(used, length);
    }

    /// <summary>A copy of <paramref name="source"/> in a new buffer.</summary>
    public static ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> source)
    {
        var memory = Allocate(source.Length);
        source.CopyTo(memory.Span);
        return memory;
    }
}
