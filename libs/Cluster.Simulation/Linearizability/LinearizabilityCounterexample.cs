namespace Cluster.Simulation;

/// <summary>
/// Why a history is not linearizable: the longest legal order the checker found for one partition, and
/// the operations none of which could legally come next.
/// </summary>
/// <typeparam name="TInput">What clients ask for.</typeparam>
/// <typeparam name="TOutput">What the system answers.</typeparam>
public sealed class LinearizabilityCounterexample<TInput, TOutput>
{
    internal LinearizabilityCounterexample(
        int partitionIndex,
        IReadOnlyList<Operation<TInput, TOutput>> linearizedPrefix,
        string stateAfterPrefix,
        IReadOnlyList<Operation<TInput, TOutput>> candidates,
        Operation<TInput, TOutput> overdue,
        string description)
    {
        PartitionIndex = partitionIndex;
        LinearizedPrefix = linearizedPrefix;
        StateAfterPrefix = stateAfterPrefix;
        Candidates = candidates;
        Overdue = overdue;
        Description = description;
    }

    /// <summary>Which partition (as returned by <see cref="IModel{TState, TInput, TOutput}.Partition"/>) failed.</summary>
    public int PartitionIndex { get; }

    /// <summary>The longest sequence of operations of the partition that the checker could linearize, in linearization order.</summary>
    public IReadOnlyList<Operation<TInput, TOutput>> LinearizedPrefix { get; }

    /// <summary>The model's state after <see cref="LinearizedPrefix"/>, described.</summary>
    public string StateAfterPrefix { get; }

    /// <summary>
    /// The operations that could come next in real time (called before <see cref="Overdue"/> returned) and were
    /// not linearized; none of them leads to a complete legal order from this point.
    /// </summary>
    public IReadOnlyList<Operation<TInput, TOutput>> Candidates { get; }

    /// <summary>The operation whose return forced the dead end: it had to be linearized by then but could not be.</summary>
    public Operation<TInput, TOutput> Overdue { get; }

    /// <summary>A readable, multi-line account of the above.</summary>
    public string Description { get; }

    /// <inheritdoc />
    public override string ToString() => Description;
}
