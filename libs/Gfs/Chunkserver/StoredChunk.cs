using Cluster.Core;

namespace Gfs;

/// <summary>
/// One chunk replica of a <see cref="ChunkStore"/>: its open files and its state in memory. Every field except
/// <see cref="Info"/> is read and written only by the holder of <see cref="Gate"/>.
/// </summary>
internal sealed class StoredChunk(ulong handle, string dataName, string journalName, string temporaryName)
{
    private uint[] _crcs = [];

    public ulong Handle { get; } = handle;

    public string DataName { get; } = dataName;

    public string JournalName { get; } = journalName;

    public string TemporaryName { get; } = temporaryName;

    /// <summary>Serialises every operation on this chunk (GFS applies mutations to a chunk in one serial order anyway).</summary>
    public AsyncLock Gate { get; } = new();

    public IStorageFile? Data { get; set; }

    public IStorageFile? Journal { get; set; }

    /// <summary>Where the journal's valid records end; the next record is written here.</summary>
    public long JournalEnd { get; set; }

    public ulong Version { get; set; }

    /// <summary>The acknowledged length: every byte below it is durable and covered by <see cref="Crcs"/>.</summary>
    public long Length { get; set; }

    /// <summary>The CRC-32C of each block below <see cref="Length"/>; the array may be longer.</summary>
    public uint[] Crcs => _crcs;

    /// <summary>The block found corrupt (-1 for the journal), meaningful when <see cref="CorruptFile"/> is set.</summary>
    public long CorruptBlock { get; private set; } = -1;

    /// <summary>The file holding the damage, or null while the chunk is healthy.</summary>
    public string? CorruptFile { get; private set; }

    public string CorruptReason { get; private set; } = string.Empty;

    public bool IsCorrupt => CorruptFile is not null;

    /// <summary>
    /// An operation failed after touching the files, so memory may not match them: the next operation reloads the chunk from its
    /// files first, exactly as recovery after a crash does.
    /// </summary>
    public bool NeedsReload { get; set; }

    /// <summary>Whether the chunk's creation is complete; until then only its creator holds the gate.</summary>
    public bool Ready { get; set; }

    /// <summary>Deleted (or its creation failed); anyone who waited on the gate must treat it as missing.</summary>
    public bool Deleted { get; set; }

    /// <summary>The published summary, read by <see cref="ChunkStore.List"/> under the store's lock.</summary>
    public ChunkInfo Info { get; set; }

    public ChunkInfo Describe() => new(Handle, Version, Length, IsCorrupt);

    public void SetCrcs(uint[] crcs) => _crcs = crcs;

    /// <summary>Stores <paramref name="crcs"/> as the checksums of blocks <paramref name="firstBlock"/> on.</summary>
    public void UpdateCrcs(long firstBlock, ReadOnlySpan<uint> crcs)
    {
        var needed = (int)firstBlock + crcs.Length;
        if (needed > _crcs.Length)
        {
            var grown = new uint[Math.Max(needed, 2 * _crcs.Length)];
            _crcs.CopyTo(grown, 0);
            _crcs = grown;
        }

        crcs.CopyTo(_crcs.AsSpan((int)firstBlock));
    }

    public void MarkCorrupt(long block, string fileName, string reason)
    {
        if (!IsCorrupt)
        {
            CorruptBlock = block;
            CorruptFile = fileName;
            CorruptReason = reason;
        }
    }

    public void ClearCorruption()
    {
        CorruptBlock = -1;
        CorruptFile = null;
        CorruptReason = string.Empty;
    }

    public ChunkCorruptException CorruptException() => new(Handle, CorruptBlock, CorruptFile ?? DataName, CorruptReason);
}
