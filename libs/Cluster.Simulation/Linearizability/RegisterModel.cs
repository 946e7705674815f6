using System.Globalization;

namespace Cluster.Simulation;

/// <summary>A single read/write/compare-and-set register of <see cref="long"/> values, as a linearizability model.</summary>
/// <param name="initialValue">The value before any write.</param>
public sealed class RegisterModel(long initialValue = 0) : IModel<long, RegisterInput, RegisterOutput>
{
    /// <summary>The value before any write.</summary>
    public long InitialValue { get; } = initialValue;

    /// <inheritdoc />
    public IEqualityComparer<long> StateComparer => EqualityComparer<long>.Default;

    /// <inheritdoc />
    public long Init() => InitialValue;

    /// <inheritdoc />
    public (bool Ok, long State) Step(long state, RegisterInput input, RegisterOutput output) => input.Kind switch
    {
        RegisterOperationKind.Read => (output.Value == state, state),
        RegisterOperationKind.Write => (true, input.Value),
        RegisterOperationKind.CompareAndSet => output.Succeeded
            ? (state == input.Expected, input.Value)
            : (state != input.Expected, state),
        _ => throw new ArgumentOutOfRangeException(nameof(input), input.Kind, "Unknown register operation."),
    };

    /// <inheritdoc />
    public long StepUnknown(long state, RegisterInput input) => input.Kind switch
    {
        RegisterOperationKind.Read => state,
        RegisterOperationKind.Write => input.Value,
        RegisterOperationKind.CompareAndSet => state == input.Expected ? input.Value : state,
        _ => throw new ArgumentOutOfRangeException(nameof(input), input.Kind, "Unknown register operation."),
    };

    /// <summary>Keeps the history whole, leaving out reads whose answer never arrived: they have no effect and cannot be wrong.</summary>
    public IReadOnlyList<IReadOnlyList<Operation<RegisterInput, RegisterOutput>>> Partition(IReadOnlyList<Operation<RegisterInput, RegisterOutput>> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return [history.Where(operation => operation.OutcomeKnown || operation.Input.Kind != RegisterOperationKind.Read).ToList()];
    }

    /// <inheritdoc />
    public string DescribeOperation(Operation<RegisterInput, RegisterOutput> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (!operation.OutcomeKnown)
        {
            return $"{operation.Input} -> ? (outcome unknown)";
        }

        var output = operation.Output!;
        return operation.Input.Kind switch
        {
            RegisterOperationKind.Read => string.Create(CultureInfo.InvariantCulture, $"{operation.Input} -> {output.Value}"),
            RegisterOperationKind.Write => $"{operation.Input} -> ok",
            _ => $"{operation.Input} -> {(output.Succeeded ? "ok" : "failed")}",
        };
    }

    /// <inheritdoc />
    public string DescribeState(long state) => state.ToString(CultureInfo.InvariantCulture);
}
