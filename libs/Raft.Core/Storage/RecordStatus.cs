namespace Raft.Core;

/// <summary>What <see cref="SegmentFormat.TryParseRecord"/> found at one offset of a segment.</summary>
internal enum RecordStatus
{
    /// <summary>A whole record whose checksum and size hold.</summary>
    Valid,

    /// <summary>A zero length field: the written records end here (what follows is the preallocated tail).</summary>
    End,

    /// <summary>Something that is not a whole valid record: a torn write, or damage.</summary>
    Invalid,
}
