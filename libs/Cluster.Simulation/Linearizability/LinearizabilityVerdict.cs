namespace Cluster.Simulation;

/// <summary>The outcome of a linearizability check.</summary>
/// <remarks>
/// <see cref="Unknown"/> is the zero value on purpose: a result nobody filled in is never mistaken for
/// <see cref="Ok"/>.
/// </remarks>
public enum LinearizabilityVerdict
{
    /// <summary>The checker gave up (budget, deadline or cancellation) before deciding; this is not a pass.</summary>
    Unknown = 0,

    /// <summary>The history is linearizable: every part has a legal sequential order that respects real time.</summary>
    Ok = 1,

    /// <summary>The history is not linearizable; a counterexample is attached.</summary>
    Illegal = 2,
}
