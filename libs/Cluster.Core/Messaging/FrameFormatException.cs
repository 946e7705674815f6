namespace Cluster.Core;

/// <summary>
/// A frame read from a peer is unusable: too large, truncated, of an unknown type or undecodable.
/// The transport closes that connection and keeps serving everyone else.
/// </summary>
public sealed class FrameFormatException : Exception
{
    /// <summary>Creates the exception with a reason.</summary>
    public FrameFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and the decoder's error.</summary>
    public FrameFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
