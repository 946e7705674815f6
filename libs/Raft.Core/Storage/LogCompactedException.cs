namespace Raft.Core;

/// <summary>A log reader was asked for an entry that was compacted into a snapshot.</summary>
public sealed class LogCompactedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="index">The requested index.</param>
    /// <param name="firstIndex">The first index still in the log.</param>
    public LogCompactedException(ulong index, ulong firstIndex)
        : base($"Log index {index} was compacted; the log starts at {firstIndex}.")
    {
        Index = index;
        FirstIndex = firstIndex;
    }

    /// <summary>The requested index.</summary>
    public ulong Index { get; }

    /// <summary>The first index still in the log.</summary>
    public ulong FirstIndex { get; }
}
