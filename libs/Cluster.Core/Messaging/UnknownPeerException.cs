namespace Cluster.Core;

/// <summary>A message was addressed to a node the transport has no address for.</summary>
public sealed class UnknownPeerException : Exception
{
    /// <summary>Creates the exception for <paramref name="peer"/>.</summary>
    public UnknownPeerException(NodeId peer)
        : base($"No address is known for node {peer}; add it to the transport's peer list.")
    {
        Peer = peer;
    }

    /// <summary>The node without an address.</summary>
    public NodeId Peer { get; }
}
