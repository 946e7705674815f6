using System.Globalization;

namespace Gfs;

/// <summary>The <see cref="ChunkStore"/> holds no chunk with that handle (never created here, or deleted).</summary>
public sealed class ChunkNotFoundException : Exception
{
    /// <summary>Creates the exception for one handle.</summary>
    public ChunkNotFoundException(ulong handle)
        : base(string.Create(CultureInfo.InvariantCulture, $"This chunkserver holds no chunk {handle:x16}."))
    {
        Handle = handle;
    }

    /// <summary>The handle asked for.</summary>
    public ulong Handle { get; }
}
