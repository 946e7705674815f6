namespace Cluster.Core;

/// <summary>How <see cref="IFileStorage.OpenAsync(string, StorageOpenMode, CancellationToken)"/> treats an existing or missing file.</summary>
public enum StorageOpenMode
{
    /// <summary>Open the file if it exists, otherwise create it empty.</summary>
    OpenOrCreate = 0,

    /// <summary>Open an existing file; fail if it is missing.</summary>
    OpenExisting = 1,

    /// <summary>Create a new, empty file; fail if one exists.</summary>
    CreateNew = 2,

    /// <summary>Create the file, or cut an existing one to zero length.</summary>
    Truncate = 3,
}
