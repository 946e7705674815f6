namespace Gfs;

/// <summary>One record of a chunk's metadata journal (see <see cref="JournalFormat"/> for the bytes).</summary>
internal sealed class JournalRecord
{
    /// <summary>A snapshot or an update.</summary>
    public required JournalRecordKind Kind { get; init; }

    /// <summary>The chunk the journal belongs to, checked on read so a misplaced file is not taken for another chunk's.</summary>
    public required ulong Handle { get; init; }

    /// <summary>The chunk version after this record.</summary>
    public required ulong Version { get; init; }

    /// <summary>The chunk length after this record: the data file is valid up to here.</summary>
    public required long Length { get; init; }

    /// <summary>The block found corrupt, or -1; once set in any record the chunk stays corrupt.</summary>
    public long CorruptBlock { get; init; } = -1;

    /// <summary>The block whose checksum is <c>Crcs[0]</c>.</summary>
    public long FirstBlock { get; init; }

    /// <summary>The CRC-32C of blocks <see cref="FirstBlock"/>, <see cref="FirstBlock"/> + 1, …, each over the block's bytes below <see cref="Length"/>.</summary>
    public ReadOnlyMemory<uint> Crcs { get; init; }

    /// <summary>Whether the record carries the data of an overwrite, to be written again by recovery (a redo record).</summary>
    public bool HasRedo { get; init; }

    /// <summary>Where in the chunk <see cref="Redo"/> goes.</summary>
    public long RedoOffset { get; init; }

    /// <summary>The overwrite's data.</summary>
    public ReadOnlyMemory<byte> Redo { get; init; }
}
