namespace Raft.Core;

/// <summary>
/// The node stopped after a fault other than its state machine's (a storage failure, a broken invariant); the inner exception
/// says which. A state machine's own failure is reported as <see cref="StateMachineFaultedException"/> instead.
/// </summary>
public sealed class RaftNodeFaultedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public RaftNodeFaultedException(Exception fault)
        : base($"The Raft node stopped after a fault: {fault?.Message}", fault)
    {
    }
}
