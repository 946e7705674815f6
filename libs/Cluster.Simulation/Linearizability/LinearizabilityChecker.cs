namespace Cluster.Simulation;

/// <summary>
/// Decides whether a history of concurrent operations is linearizable with respect to a sequential
/// model, in the manner of Porcupine: the Wing &amp; Gong search with Lowe's memoisation, run on each
/// partition of the history separately.
/// </summary>
/// <remarks>
/// <para>The search walks a linked list of call and return events in time order. At a call it tries to
/// linearize that operation now (the model must accept its answer, and the pair of linearized set and
/// state must be new); at a return it has hit an operation that should already have taken effect, so it
/// backtracks. Lowe's memoisation of (linearized set, state) pairs prunes the orders that reach a
/// configuration already explored (Lowe, "Testing for linearizability", 2017; Horn &amp; Kroening,
/// "Faster linearizability checking via P-compositionality", 2015 for the partitioning).</para>
/// <para>The check is exponential in the worst case; a budget of explored states and a deadline bound it,
/// and when either runs out the verdict is <see cref="LinearizabilityVerdict.Unknown"/>, never Ok.
/// Partitions are checked one after the other on the calling thread.</para>
/// </remarks>
public static class LinearizabilityChecker
{
    /// <summary>Checks the operations recorded in <paramref name="history"/>.</summary>
    /// <inheritdoc cref="Check{TState, TInput, TOutput}(IReadOnlyList{Operation{TInput, TOutput}}, IModel{TState, TInput, TOutput}, LinearizabilityCheckerOptions?, CancellationToken)"/>
    public static LinearizabilityResult<TInput, TOutput> Check<TState, TInput, TOutput>(
        History<TInput, TOutput> history,
        IModel<TState, TInput, TOutput> model,
        LinearizabilityCheckerOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(history);
        return Check(history.ToOperations(), model, options, cancellationToken);
    }

    /// <summary>Checks whether <paramref name="history"/> is linearizable with respect to <paramref name="model"/>.</summary>
    /// <param name="history">The operations, in any order; failed operations must already be left out.</param>
    /// <param name="model">The sequential specification.</param>
    /// <param name="options">The budget and deadline; defaults when null.</param>
    /// <param name="cancellationToken">Stops the check early with an Unknown verdict.</param>
    /// <returns>Ok, Illegal with a counterexample, or Unknown when the checker gave up.</returns>
    /// <exception cref="ArgumentException">An operation returns before it is called.</exception>
    public static LinearizabilityResult<TInput, TOutput> Check<TState, TInput, TOutput>(
        IReadOnlyList<Operation<TInput, TOutput>> history,
        IModel<TState, TInput, TOutput> model,
        LinearizabilityCheckerOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(model);
        options ??= new LinearizabilityCheckerOptions();
        foreach (var operation in history)
        {
            if (operation.Return < operation.Call)
            {
                throw new ArgumentException($"Operation {operation} returns at {operation.Return}, before its call at {operation.Call}.", nameof(history));
            }
        }

        var partitions = model.Partition(history);
        var budget = new SearchBudget(options, cancellationToken);
        string? unknownReason = null;
        for (var index = 0; index < partitions.Count; index++)
        {
            var search = new PartitionSearch<TState, TInput, TOutput>(model, partitions[index], index, budget);
            var verdict = search.Run();
            if (verdict == LinearizabilityVerdict.Illegal)
            {
                // One illegal partition makes the whole history illegal, whatever the others would say.
                return new LinearizabilityResult<TInput, TOutput>(verdict, search.BuildCounterexample(), null, budget.ExploredStates, partitions.Count);
            }

            if (verdict == LinearizabilityVerdict.Unknown)
            {
                unknownReason = budget.ExhaustedReason;
                break;
            }
        }

        return unknownReason is null
            ? new LinearizabilityResult<TInput, TOutput>(LinearizabilityVerdict.Ok, null, null, budget.ExploredStates, partitions.Count)
            : new LinearizabilityResult<TInput, TOutput>(LinearizabilityVerdict.Unknown, null, unknownReason, budget.ExploredStates, partitions.Count);
    }
}
