namespace Raft.Core;

/// <summary>
/// A Raft invariant was broken: the core's state, its storage or a message contradicts the protocol. The node must stop;
/// continuing could lose committed data.
/// </summary>
public sealed class RaftInvariantException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The broken invariant.</param>
    public RaftInvariantException(string message)
        : base(message)
    {
    }
}
