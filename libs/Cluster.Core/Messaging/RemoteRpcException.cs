namespace Cluster.Core;

/// <summary>A remote handler answered a request with a failure.</summary>
public sealed class RemoteRpcException : Exception
{
    /// <summary>Creates the exception from the remote node's error.</summary>
    public RemoteRpcException(NodeId peer, RemoteError error)
        : base($"{peer} failed the request: {error?.Code}: {error?.Message}")
    {
        ArgumentNullException.ThrowIfNull(error);
        Peer = peer;
        Error = error;
    }

    /// <summary>The node that failed the request.</summary>
    public NodeId Peer { get; }

    /// <summary>The error it sent.</summary>
    public RemoteError Error { get; }
}
