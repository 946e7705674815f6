namespace Chubby;

/// <summary>What the client cache knows of one path: absent, or present with metadata and perhaps contents.</summary>
internal sealed record CacheEntry(bool Exists, NodeStat? Stat, ReadOnlyMemory<byte>? Contents);
