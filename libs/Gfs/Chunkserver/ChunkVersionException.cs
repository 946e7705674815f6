using System.Globalization;

namespace Gfs;

/// <summary>
/// A request would lower a chunk's version. Versions only grow: a lower one comes from a stale or reordered request, and taking
/// it would let a stale replica pass for a current one (GFS §4.5).
/// </summary>
public sealed class ChunkVersionException : InvalidOperationException
{
    /// <summary>Creates the exception naming the chunk and both versions.</summary>
    public ChunkVersionException(ulong handle, ulong currentVersion, ulong requestedVersion)
        : base(string.Create(CultureInfo.InvariantCulture, $"Chunk {handle:x16} is at version {currentVersion}; refusing to lower it to {requestedVersion}."))
    {
        Handle = handle;
        CurrentVersion = currentVersion;
        RequestedVersion = requestedVersion;
    }

    /// <summary>The chunk's handle.</summary>
    public ulong Handle { get; }

    /// <summary>The version stored.</summary>
    public ulong CurrentVersion { get; }

    /// <summary>The lower version asked for.</summary>
    public ulong RequestedVersion { get; }
}
