namespace Raft.Core;

/// <summary>
/// The node's state machine threw while applying a committed entry, so the node stopped rather than diverge from its peers.
/// The inner exception is the state machine's; <see cref="Index"/> is the entry it could not apply.
/// </summary>
public sealed class StateMachineFaultedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public StateMachineFaultedException(ulong index, Exception inner)
        : base($"The state machine failed to apply entry {index}; the node stopped applying to avoid diverging from its peers. Fix the state machine and restart the node.", inner)
    {
        Index = index;
    }

    /// <summary>The index of the entry that failed.</summary>
    public ulong Index { get; }
}
