namespace Cluster.Simulation;

/// <summary>A call on a key-value store.</summary>
/// <param name="Kind">Which operation.</param>
/// <param name="Key">The key operated on.</param>
/// <param name="Value">The value put or appended; null for get and delete.</param>
public readonly record struct KeyValueInput(KeyValueOperationKind Kind, string Key, string? Value)
{
    /// <summary>A get of <paramref name="key"/>.</summary>
    public static KeyValueInput Get(string key) => new(KeyValueOperationKind.Get, key, null);

    /// <summary>A put of <paramref name="value"/> at <paramref name="key"/>.</summary>
    public static KeyValueInput Put(string key, string value) => new(KeyValueOperationKind.Put, key, value);

    /// <summary>An append of <paramref name="value"/> to <paramref name="key"/>.</summary>
    public static KeyValueInput Append(string key, string value) => new(KeyValueOperationKind.Append, key, value);

    /// <summary>A delete of <paramref name="key"/>.</summary>
    public static KeyValueInput Delete(string key) => new(KeyValueOperationKind.Delete, key, null);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        KeyValueOperationKind.Get => $"get({Key})",
        KeyValueOperationKind.Put => $"put({Key}, \"{Value}\")",
        KeyValueOperationKind.Append => $"append({Key}, \"{Value}\")",
        _ => $"delete({Key})",
    };
}
