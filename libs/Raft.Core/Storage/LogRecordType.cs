namespace Raft.Core;

/// <summary>The kinds of record in a <see cref="SegmentedLogStore"/> segment; the values are part of the on-disk format.</summary>
internal enum LogRecordType : byte
{
    /// <summary>Consecutive entries from one append, starting exactly one past the log's last index.</summary>
    Entries = 1,

    /// <summary>The hard state; also the first record of every segment started by a rollover.</summary>
    HardState = 2,

    /// <summary>Entries from an index on are dropped: a follower's conflicting suffix is about to be overwritten (Raft §5.3).</summary>
    Truncate = 3,

    /// <summary>Entries up to a snapshot's index are discarded; the snapshot's metadata becomes the log's starting point.</summary>
    Compaction = 4,

    /// <summary>The whole log is replaced by a snapshot received from the leader; carries the hard state too, so it stands alone.</summary>
    InstallSnapshot = 5,
}
