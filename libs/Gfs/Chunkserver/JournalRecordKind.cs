namespace Gfs;

/// <summary>What a record of a chunk's metadata journal holds.</summary>
internal enum JournalRecordKind : byte
{
    /// <summary>The whole state: version, length and every block checksum. First in every journal (written at create and by a rewrite).</summary>
    Snapshot = 1,

    /// <summary>A change on top of the records before it: the new version and length and the checksums of the blocks that changed.</summary>
    Update = 2,
}
