namespace Cluster.Simulation;

/// <summary>
/// A key-value store with get, put, append and delete, as a linearizability model. The history is
/// partitioned per key, and the state is the value of the one key of a partition (null when absent).
/// </summary>
/// <remarks>Keys are independent, so checking each key's operations alone is exact and far cheaper than the whole
/// history (Horn &amp; Kroening's P-compositionality). Gets with an unknown outcome are left out: they cannot be wrong.</remarks>
public sealed class KeyValueModel : IModel<string?, KeyValueInput, KeyValueOutput>
{
    /// <inheritdoc />
    public IEqualityComparer<string?> StateComparer => StringComparer.Ordinal;

    /// <inheritdoc />
    public string? Init() => null;

    /// <inheritdoc />
    public (bool Ok, string? State) Step(string? state, KeyValueInput input, KeyValueOutput output) => input.Kind switch
    {
        KeyValueOperationKind.Get => (string.Equals(output.Value, state, StringComparison.Ordinal), state),
        _ => (true, StepUnknown(state, input)),
    };

    /// <inheritdoc />
    public string? StepUnknown(string? state, KeyValueInput input) => input.Kind switch
    {
        KeyValueOperationKind.Get => state,
        KeyValueOperationKind.Put => input.Value,
        KeyValueOperationKind.Append => string.Concat(state, input.Value),
        KeyValueOperationKind.Delete => null,
        _ => throw new ArgumentOutOfRangeException(nameof(input), input.Kind, "Unknown key-value operation."),
    };

    /// <inheritdoc />
    public IReadOnlyList<IReadOnlyList<Operation<KeyValueInput, KeyValueOutput>>> Partition(IReadOnlyList<Operation<KeyValueInput, KeyValueOutput>> history)
    {
        ArgumentNullException.ThrowIfNull(history);

        // A get whose answer never arrived has no effect and constrains nothing, yet as a pending operation it
        // would multiply the states the search visits; leaving it out changes no verdict.
        // Ordinal key order keeps the partition numbering in counterexamples stable from run to run.
        return history
            .Where(operation => operation.OutcomeKnown || operation.Input.Kind != KeyValueOperationKind.Get)
            .GroupBy(operation => operation.Input.Key, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => (IReadOnlyList<Operation<KeyValueInput, KeyValueOutput>>)group.ToList())
            .ToList();
    }

    /// <inheritdoc />
    public string DescribeOperation(Operation<KeyValueInput, KeyValueOutput> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (!operation.OutcomeKnown)
        {
            return $"{operation.Input} -> ? (outcome unknown)";
        }

        return operation.Input.Kind == KeyValueOperationKind.Get ? $"{operation.Input} -> {operation.Output}" : $"{operation.Input} -> ok";
    }

    /// <inheritdoc />
    public string DescribeState(string? state) => state is null ? "(none)" : $"\"{state}\"";
}
