namespace Cluster.Simulation;

/// <summary>Where an <see cref="InvokedOperation{TInput, TOutput}"/> stands.</summary>
public enum InvokedOperationState
{
    /// <summary>Called, no outcome recorded yet; exported as unknown.</summary>
    Running = 0,

    /// <summary>Answered; the output is known.</summary>
    Ok = 1,

    /// <summary>Definitely did not take effect; left out of the exported history.</summary>
    Failed = 2,

    /// <summary>May or may not have taken effect (a timeout, a lost connection).</summary>
    Unknown = 3,
}
