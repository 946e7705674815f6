namespace FileSystem;

/// <summary>Something the tour checks did not hold.</summary>
internal sealed class DemoFailedException(string message) : Exception(message);
