namespace Cluster.Simulation;

/// <summary>The operations of a <see cref="RegisterModel"/>.</summary>
public enum RegisterOperationKind
{
    /// <summary>Returns the current value.</summary>
    Read = 0,

    /// <summary>Replaces the value.</summary>
    Write = 1,

    /// <summary>Replaces the value only when it equals an expected one, answering whether it did.</summary>
    CompareAndSet = 2,
}
