using MessagePack;

namespace Gfs;

/// <summary>A chunk handle with a version number.</summary>
/// <param name="Handle">The chunk's globally unique handle.</param>
/// <param name="Version">Its version.</param>
[MessagePackObject]
public readonly record struct ChunkVersion([property: Key(0)] ulong Handle, [property: Key(1)] ulong Version);
