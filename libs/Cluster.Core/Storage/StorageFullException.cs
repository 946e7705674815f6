namespace Cluster.Core;

/// <summary>A write failed because the storage medium has no room left.</summary>
public sealed class StorageFullException : IOException
{
    /// <summary>Creates the exception naming the storage and the file.</summary>
    public StorageFullException(string location, string fileName, Exception? innerException = null)
        : base($"No space left for '{fileName}' in {location}; free space or move the data, then retry.", innerException)
    {
        Location = location;
        FileName = fileName;
    }

    /// <summary>Where the storage lives.</summary>
    public string Location { get; }

    /// <summary>The file whose write failed.</summary>
    public string FileName { get; }
}
