namespace Cluster.Simulation;

/// <summary>
/// The sequential specification a history is checked against: a state machine that says whether an
/// operation with a given answer is legal in a state, and what the state becomes.
/// </summary>
/// <typeparam name="TState">The specification's state; treated as immutable (never changed in place).</typeparam>
/// <typeparam name="TInput">What clients ask for.</typeparam>
/// <typeparam name="TOutput">What the system answers.</typeparam>
/// <remarks>
/// The checker memoises (set of linearized operations, state) pairs, so <see cref="StateComparer"/> must
/// compare states by value. Implementations must be deterministic and side-effect free.
/// </remarks>
public interface IModel<TState, TInput, TOutput>
{
    /// <summary>The state before any operation.</summary>
    TState Init();

    /// <summary>
    /// Applies an operation whose answer is known: whether <paramref name="output"/> is a legal answer to
    /// <paramref name="input"/> in <paramref name="state"/>, and the state afterwards.
    /// </summary>
    (bool Ok, TState State) Step(TState state, TInput input, TOutput output);

    /// <summary>
    /// Applies an operation whose answer is unknown (it timed out): the state after it took effect,
    /// whatever it answered. The checker also considers it never taking effect, by placing it last.
    /// </summary>
    TState StepUnknown(TState state, TInput input);

    /// <summary>Compares states by value and hashes them, for memoisation.</summary>
    IEqualityComparer<TState> StateComparer { get; }

    /// <summary>
    /// Splits a history into independent parts that are checked separately (for example one per key):
    /// a history is linearizable exactly when each part is. The default keeps the history whole.
    /// </summary>
    IReadOnlyList<IReadOnlyList<Operation<TInput, TOutput>>> Partition(IReadOnlyList<Operation<TInput, TOutput>> history) => [history];

    /// <summary>Describes an operation for a counterexample, for example <c>put(x, 3) -&gt; ok</c>.</summary>
    string DescribeOperation(Operation<TInput, TOutput> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return operation.OutcomeKnown ? $"{operation.Input} -> {operation.Output}" : $"{operation.Input} -> ? (outcome unknown)";
    }

    /// <summary>Describes a state for a counterexample.</summary>
    string DescribeState(TState state) => state?.ToString() ?? "null";
}
