using Cluster.Core;

namespace Raft.Core;

/// <summary>Settings of a <see cref="SegmentedLogStore"/>; validated when the store is opened, with the offending property named in the error.</summary>
public sealed class SegmentedLogStoreOptions
{
    /// <summary>Default of <see cref="Prefix"/>.</summary>
    public const string DefaultPrefix = "raft/";

    /// <summary>Default of <see cref="MaxSegmentBytes"/> (64 MiB).</summary>
    public const long DefaultMaxSegmentBytes = 64L * 1024 * 1024;

    /// <summary>The smallest <see cref="MaxSegmentBytes"/> accepted (1 KiB): a segment must hold its header, its first record and some entries.</summary>
    public const long SmallestMaxSegmentBytes = 1024;

    /// <summary>The largest <see cref="MaxSegmentBytes"/> accepted (1 GiB): recovery reads a whole segment into memory at once.</summary>
    public const long LargestMaxSegmentBytes = 1L << 30;

    /// <summary>
    /// Where the segment files live inside the storage: a folder ending in <c>/</c> (the default <c>raft/</c>), or empty for the
    /// storage's root. Two stores must not share a prefix.
    /// </summary>
    public string Prefix { get; init; } = DefaultPrefix;

    /// <summary>
    /// The size at which the active segment is closed and a new one started. A single append larger than this still goes into one
    /// segment, so a segment can exceed it by one record.
    /// </summary>
    public long MaxSegmentBytes { get; init; } = DefaultMaxSegmentBytes;

    /// <summary>
    /// How far a new segment is extended with zeros when it is created, so appends overwrite zeros instead of growing the file (its size
    /// does not change with each fsync). Null, the default, means <see cref="MaxSegmentBytes"/>; zero turns preallocation off.
    /// </summary>
    /// <remarks>
    /// The extension uses <see cref="IStorageFile.SetLengthAsync"/>, which on most Linux file systems makes a sparse file: the size is
    /// fixed up front but blocks are still allocated as they are written.
    /// </remarks>
    public long? PreallocateBytes { get; init; }

    /// <summary>The preallocation in effect: <see cref="PreallocateBytes"/>, or <see cref="MaxSegmentBytes"/> when that is null.</summary>
    internal long EffectivePreallocateBytes => PreallocateBytes ?? MaxSegmentBytes;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range or malformed; the message names it.</exception>
    public void Validate()
    {
        StoragePrefix.Validate(Prefix, nameof(Prefix));

        if (MaxSegmentBytes is < SmallestMaxSegmentBytes or > LargestMaxSegmentBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSegmentBytes), MaxSegmentBytes, $"SegmentedLogStoreOptions.MaxSegmentBytes must be in [{SmallestMaxSegmentBytes}, {LargestMaxSegmentBytes}].");
        }

        if (PreallocateBytes is < 0 || PreallocateBytes > MaxSegmentBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(PreallocateBytes), PreallocateBytes, "SegmentedLogStoreOptions.PreallocateBytes must be null (MaxSegmentBytes), zero (off) or at most MaxSegmentBytes.");
        }
    }
}
