namespace Gfs;

/// <summary>What the master knows of a file or directory.</summary>
/// <param name="Path">The path.</param>
/// <param name="IsDirectory">Whether it is a directory.</param>
/// <param name="Length">A file's length: full chunks before the last plus the last chunk's length as its replicas last reported it (so it may lag a write by a heartbeat).</param>
/// <param name="ChunkCount">A file's number of chunks, or a directory's number of children.</param>
/// <param name="ChunkSize">The chunk size of the file system.</param>
public sealed record GfsFileStatus(string Path, bool IsDirectory, long Length, int ChunkCount, long ChunkSize);
