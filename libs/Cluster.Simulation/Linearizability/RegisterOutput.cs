using System.Globalization;

namespace Cluster.Simulation;

/// <summary>The answer of a register operation.</summary>
/// <param name="Value">The value a read returned; unused otherwise.</param>
/// <param name="Succeeded">Whether a compare-and-set replaced the value; true for reads and writes.</param>
public readonly record struct RegisterOutput(long Value, bool Succeeded)
{
    /// <summary>The answer of a write.</summary>
    public static RegisterOutput Written => new(0, true);

    /// <summary>The answer of a read that returned <paramref name="value"/>.</summary>
    public static RegisterOutput ReadValue(long value) => new(value, true);

    /// <summary>The answer of a compare-and-set.</summary>
    public static RegisterOutput CompareAndSetResult(bool succeeded) => new(0, succeeded);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Value}/{(Succeeded ? "ok" : "failed")}");
}
