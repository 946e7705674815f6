using System.Globalization;

namespace Gfs;

/// <summary>A chunk with that handle already exists at another version, so it cannot be created again.</summary>
public sealed class ChunkExistsException : InvalidOperationException
{
    /// <summary>Creates the exception naming the chunk and both versions.</summary>
    public ChunkExistsException(ulong handle, ulong existingVersion, ulong requestedVersion)
        : base(string.Create(CultureInfo.InvariantCulture, $"Chunk {handle:x16} already exists here at version {existingVersion}; it cannot be created again at version {requestedVersion}. Delete it first."))
    {
        Handle = handle;
        ExistingVersion = existingVersion;
        RequestedVersion = requestedVersion;
    }

    /// <summary>The chunk's handle.</summary>
    public ulong Handle { get; }

    /// <summary>The version of the chunk already stored.</summary>
    public ulong ExistingVersion { get; }

    /// <summary>The version the create asked for.</summary>
    public ulong RequestedVersion { get; }
}
