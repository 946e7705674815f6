namespace Cluster.Simulation;

/// <summary>Thrown by <see cref="LinearizabilityResult{TInput, TOutput}.EnsureLinearizable"/> when the history is not linearizable.</summary>
public sealed class NonLinearizableHistoryException : Exception
{
    /// <summary>Creates the exception with the counterexample's description.</summary>
    public NonLinearizableHistoryException(string counterexample)
        : base($"The history is NOT linearizable. {counterexample}")
    {
        Counterexample = counterexample;
    }

    /// <summary>The readable counterexample.</summary>
    public string Counterexample { get; }
}
