namespace Cluster.Core;

/// <summary>A request got no answer before its deadline. The request may or may not have been handled.</summary>
public sealed class RpcTimeoutException : TimeoutException
{
    /// <summary>Creates the exception for a request to <paramref name="peer"/>.</summary>
    public RpcTimeoutException(NodeId peer, Type requestType, TimeSpan timeout)
        : base($"{requestType.Name} to {peer} got no answer within {timeout.TotalMilliseconds:0.###} ms; it may or may not have been handled.")
    {
        Peer = peer;
        RequestType = requestType;
        Timeout = timeout;
    }

    /// <summary>The node the request was sent to.</summary>
    public NodeId Peer { get; }

    /// <summary>The request's type.</summary>
    public Type RequestType { get; }

    /// <summary>The deadline that passed.</summary>
    public TimeSpan Timeout { get; }
}
