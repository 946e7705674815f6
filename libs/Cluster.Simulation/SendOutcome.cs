namespace Cluster.Simulation;

/// <summary>What the network did with a message handed to it.</summary>
internal enum SendOutcome
{
    /// <summary>Accepted (it may still be lost on the way).</summary>
    Queued,

    /// <summary>The link's in-flight queue is full.</summary>
    Full,

    /// <summary>No node of that identity exists.</summary>
    UnknownPeer,
}
