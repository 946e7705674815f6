namespace Cluster.Core;

/// <summary>
/// How a file opened through <see cref="IFileStorage"/> will be read, so a storage can tune its caching.
/// A hint only: it never changes what a read returns.
/// </summary>
public enum StorageAccessPattern
{
    /// <summary>No hint; the storage's default read-ahead applies.</summary>
    Unspecified = 0,

    /// <summary>
    /// Reads land at scattered offsets (a needle, a record looked up by an index). On disk this turns off the
    /// kernel's read-ahead for the file, which would otherwise fetch several times the bytes asked for on every
    /// page-cache miss.
    /// </summary>
    Random = 1,

    /// <summary>The file is read from start to end (a log replay, a copy); on disk the kernel reads further ahead.</summary>
    Sequential = 2,
}
