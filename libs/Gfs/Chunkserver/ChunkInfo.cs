namespace Gfs;

/// <summary>What a <see cref="ChunkStore"/> knows about one chunk replica it holds.</summary>
/// <param name="Handle">The chunk's globally unique handle, assigned by the master (GFS §2.3).</param>
/// <param name="Version">The chunk version, raised by the master with every new lease so stale replicas can be told apart (GFS §4.5).</param>
/// <param name="Length">The acknowledged length in bytes; a chunk grows as data is written, up to the chunk size.</param>
/// <param name="IsCorrupt">Whether a checksum failed on this replica; it serves no reads until deleted and re-replicated (GFS §5.2).</param>
public readonly record struct ChunkInfo(ulong Handle, ulong Version, long Length, bool IsCorrupt);
