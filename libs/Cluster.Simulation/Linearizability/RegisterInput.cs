using System.Globalization;

namespace Cluster.Simulation;

/// <summary>A call on a single register.</summary>
/// <param name="Kind">Which operation.</param>
/// <param name="Value">The value written (write, compare-and-set); ignored by a read.</param>
/// <param name="Expected">The value a compare-and-set expects; ignored otherwise.</param>
public readonly record struct RegisterInput(RegisterOperationKind Kind, long Value, long Expected)
{
    /// <summary>A read.</summary>
    public static RegisterInput Read() => new(RegisterOperationKind.Read, 0, 0);

    /// <summary>A write of <paramref name="value"/>.</summary>
    public static RegisterInput Write(long value) => new(RegisterOperationKind.Write, value, 0);

    /// <summary>A compare-and-set from <paramref name="expected"/> to <paramref name="value"/>.</summary>
    public static RegisterInput CompareAndSet(long expected, long value) => new(RegisterOperationKind.CompareAndSet, value, expected);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        RegisterOperationKind.Read => "read()",
        RegisterOperationKind.Write => string.Create(CultureInfo.InvariantCulture, $"write({Value})"),
        _ => string.Create(CultureInfo.InvariantCulture, $"cas({Expected} -> {Value})"),
    };
}
