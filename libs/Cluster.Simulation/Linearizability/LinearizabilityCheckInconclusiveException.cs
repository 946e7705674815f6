namespace Cluster.Simulation;

/// <summary>
/// Thrown by <see cref="LinearizabilityResult{TInput, TOutput}.EnsureLinearizable"/> when the checker gave
/// up before deciding. The history may be fine or broken; it has not been shown to be linearizable.
/// </summary>
public sealed class LinearizabilityCheckInconclusiveException : Exception
{
    /// <summary>Creates the exception naming why the checker gave up.</summary>
    public LinearizabilityCheckInconclusiveException(string reason)
        : base($"The linearizability check was INCONCLUSIVE ({reason}); the history was not shown to be linearizable. Raise the budget or the timeout, or check a shorter history.")
    {
        Reason = reason;
    }

    /// <summary>Why the checker gave up.</summary>
    public string Reason { get; }
}
