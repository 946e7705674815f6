using Cluster.Core;

namespace Gfs;

/// <summary>Settings of a <see cref="ChunkStore"/>, validated when the store is opened.</summary>
public sealed class ChunkStoreOptions
{
    /// <summary>Default of <see cref="ChunkSizeBytes"/>: 64 MiB, the paper's chunk size (GFS §2.5).</summary>
    public const long DefaultChunkSizeBytes = 64L * 1024 * 1024;

    /// <summary>The smallest <see cref="ChunkSizeBytes"/>: one checksum block.</summary>
    public const long MinChunkSizeBytes = ChunkStore.BlockSize;

    /// <summary>The largest <see cref="ChunkSizeBytes"/>: 1 GiB, so a whole chunk fits in one array for cloning.</summary>
    public const long MaxChunkSizeBytes = 1L << 30;

    /// <summary>Default of <see cref="FilePrefix"/>.</summary>
    public const string DefaultFilePrefix = "chunk-";

    /// <summary>Default of <see cref="JournalCompactionBytes"/>: 64 KiB.</summary>
    public const int DefaultJournalCompactionBytes = 64 * 1024;

    /// <summary>The most bytes one chunk holds; writes beyond it are refused.</summary>
    public long ChunkSizeBytes { get; init; } = DefaultChunkSizeBytes;

    /// <summary>
    /// The start of every file name the store owns (a folder may be part of it, as in <c>chunks/</c>); files of other owners in
    /// the same storage must not start with it.
    /// </summary>
    public string FilePrefix { get; init; } = DefaultFilePrefix;

    /// <summary>
    /// The size past which a chunk's metadata journal is rewritten as one snapshot record. The store never compacts below twice
    /// the size of a snapshot, so a small value means "as often as worthwhile".
    /// </summary>
    public int JournalCompactionBytes { get; init; } = DefaultJournalCompactionBytes;

    internal ChunkStoreOptions Validate()
    {
        if (ChunkSizeBytes is < MinChunkSizeBytes or > MaxChunkSizeBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkSizeBytes), ChunkSizeBytes, $"ChunkSizeBytes must be between {MinChunkSizeBytes} (one checksum block) and {MaxChunkSizeBytes} bytes.");
        }

        ArgumentNullException.ThrowIfNull(FilePrefix, nameof(FilePrefix));
        try
        {
            StorageNames.Validate(ChunkFileNames.DataName(FilePrefix, ulong.MaxValue));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"FilePrefix '{FilePrefix}' does not make valid storage names: {e.Message}", nameof(FilePrefix), e);
        }

        if (JournalCompactionBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(JournalCompactionBytes), JournalCompactionBytes, "JournalCompactionBytes must be positive.");
        }

        return this;
    }
}
