namespace Cluster.Simulation;

/// <summary>The operations of a <see cref="KeyValueModel"/>.</summary>
public enum KeyValueOperationKind
{
    /// <summary>Returns the value of a key, or null when it has none.</summary>
    Get = 0,

    /// <summary>Sets the value of a key.</summary>
    Put = 1,

    /// <summary>Appends to the value of a key (a missing key counts as empty).</summary>
    Append = 2,

    /// <summary>Removes a key.</summary>
    Delete = 3,
}
