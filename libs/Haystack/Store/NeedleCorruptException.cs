namespace Haystack;

/// <summary>
/// A needle failed its checks (magic numbers, flag guard, size, checksum, key). Its bytes are never
/// returned; the Directory should re-replicate the needle from another replica.
/// </summary>
public sealed class NeedleCorruptException : IOException
{
    /// <summary>Creates the exception naming the file and offset.</summary>
    public NeedleCorruptException(string fileName, long offset, string reason)
        : base($"Corrupt needle in '{fileName}' at offset {offset}: {reason}.")
    {
        FileName = fileName;
        Offset = offset;
        Reason = reason;
    }

    /// <summary>The volume file.</summary>
    public string FileName { get; }

    /// <summary>Where the needle starts.</summary>
    public long Offset { get; }

    /// <summary>Which check failed.</summary>
    public string Reason { get; }
}
