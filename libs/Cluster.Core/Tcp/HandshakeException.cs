namespace Cluster.Core;

/// <summary>A connection failed the cluster handshake; <see cref="Reason"/> is a short machine-readable tag.</summary>
internal sealed class HandshakeException : Exception
{
    public HandshakeException(string reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>The tag recorded in the error metric, e.g. <c>handshake.cluster</c>.</summary>
    public string Reason { get; }
}
