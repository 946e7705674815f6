using MessagePack;

namespace Gfs;

/// <summary>One chunk a chunkserver holds, as its heartbeat reports it.</summary>
/// <param name="Handle">The chunk.</param>
/// <param name="Version">The replica's version.</param>
/// <param name="Length">The replica's length in bytes.</param>
/// <param name="Corrupt">Whether a checksum failed on it.</param>
[MessagePackObject]
public readonly record struct ChunkReport([property: Key(0)] ulong Handle, [property: Key(1)] ulong Version, [property: Key(2)] long Length, [property: Key(3)] bool Corrupt);
