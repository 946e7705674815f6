using System.Globalization;

namespace Gfs;

/// <summary>
/// A chunk replica failed its checks: a 64 KiB block does not match its CRC-32C, or the chunk's metadata journal is damaged.
/// No byte of a failing block is ever returned. The replica stays marked corrupt (every later read fails the same way) until it
/// is deleted; the master should clone the chunk from another replica and then delete this one (GFS §5.2).
/// </summary>
public sealed class ChunkCorruptException : IOException
{
    /// <summary>Creates the exception naming the chunk, the block and the file.</summary>
    /// <param name="handle">The chunk.</param>
    /// <param name="blockIndex">The failing 64 KiB block, or -1 when the metadata journal itself is damaged.</param>
    /// <param name="fileName">The storage file holding the damage.</param>
    /// <param name="reason">Which check failed.</param>
    public ChunkCorruptException(ulong handle, long blockIndex, string fileName, string reason)
        : base(Describe(handle, blockIndex, fileName, reason))
    {
        Handle = handle;
        BlockIndex = blockIndex;
        FileName = fileName;
        Reason = reason;
    }

    /// <summary>The corrupt chunk.</summary>
    public ulong Handle { get; }

    /// <summary>The first block found failing its checksum, or -1 when the metadata journal is damaged.</summary>
    public long BlockIndex { get; }

    /// <summary>The storage file holding the damage (the chunk's data file, or its journal).</summary>
    public string FileName { get; }

    /// <summary>Which check failed.</summary>
    public string Reason { get; }

    private static string Describe(ulong handle, long blockIndex, string fileName, string reason)
    {
        var where = blockIndex >= 0
            ? string.Create(CultureInfo.InvariantCulture, $"block {blockIndex} (bytes {blockIndex * ChunkStore.BlockSize} to {((blockIndex + 1) * ChunkStore.BlockSize) - 1}) of '{fileName}'")
            : $"the metadata journal '{fileName}'";
        return string.Create(CultureInfo.InvariantCulture, $"Chunk {handle:x16} is corrupt: {where}: {reason}. No data of the failing block is returned; clone the chunk from another replica and delete this one.");
    }
}
