namespace Haystack;

/// <summary>What a compaction did.</summary>
/// <param name="BytesBefore">The volume file's size before.</param>
/// <param name="BytesAfter">Its size after: the live needles only.</param>
/// <param name="NeedlesCopied">How many live needles were copied.</param>
public sealed record CompactionResult(long BytesBefore, long BytesAfter, int NeedlesCopied)
{
    /// <summary>The bytes given back to the disk.</summary>
    public long BytesReclaimed => BytesBefore - BytesAfter;
}
