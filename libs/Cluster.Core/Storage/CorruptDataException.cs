namespace Cluster.Core;

/// <summary>
/// Durable data failed its checks somewhere other than a torn tail: a checksum mismatch, a bad magic
/// number, an impossible length. The exception names the file and the offset so an operator can look.
/// </summary>
public sealed class CorruptDataException : IOException
{
    /// <summary>Creates the exception for <paramref name="fileName"/> at <paramref name="offset"/>.</summary>
    public CorruptDataException(string fileName, long offset, string reason)
        : base($"Corrupt data in '{fileName}' at offset {offset}: {reason}. The data was written and acknowledged earlier, so it is not discarded; restore this file from a replica or backup.")
    {
        FileName = fileName;
        Offset = offset;
        Reason = reason;
    }

    /// <summary>The file holding the corrupt data.</summary>
    public string FileName { get; }

    /// <summary>Where in the file the check failed.</summary>
    public long Offset { get; }

    /// <summary>Which check failed.</summary>
    public string Reason { get; }
}
