namespace Gfs;

/// <summary>The state a chunk's metadata journal describes, as read back by <see cref="JournalFormat.Scan"/>.</summary>
internal sealed class JournalScan
{
    /// <summary>How many valid records were read.</summary>
    public int Records { get; set; }

    /// <summary>The version of the last valid record.</summary>
    public ulong Version { get; set; }

    /// <summary>The length of the last valid record.</summary>
    public long Length { get; set; }

    /// <summary>The block a record marked corrupt, or -1.</summary>
    public long CorruptBlock { get; set; } = -1;

    /// <summary>The checksum of every block below <see cref="Length"/> (the array may be longer).</summary>
    public uint[] Crcs { get; set; } = [];

    /// <summary>The last valid record; recovery writes its redo data again when it has some.</summary>
    public JournalRecord? LastRecord { get; set; }

    /// <summary>Where the valid records end; a new record goes here.</summary>
    public long ValidEnd { get; set; }

    /// <summary>How many bytes after <see cref="ValidEnd"/> are a torn, unacknowledged record to cut off.</summary>
    public long TornBytes { get; set; }

    /// <summary>Where damage that is not a torn tail was found, or -1.</summary>
    public long DamageOffset { get; set; } = -1;

    /// <summary>What the damage is, when <see cref="DamageOffset"/> is set.</summary>
    public string? DamageReason { get; set; }
}
