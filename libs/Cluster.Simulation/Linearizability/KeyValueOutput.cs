namespace Cluster.Simulation;

/// <summary>The answer of a key-value operation.</summary>
/// <param name="Value">The value a get returned, null when the key had none; unused by other operations.</param>
public readonly record struct KeyValueOutput(string? Value)
{
    /// <summary>The answer of a put, append or delete.</summary>
    public static KeyValueOutput Done => default;

    /// <summary>The answer of a get that found <paramref name="value"/> (null: no value).</summary>
    public static KeyValueOutput Found(string? value) => new(value);

    /// <inheritdoc />
    public override string ToString() => Value is null ? "(none)" : $"\"{Value}\"";
}
