using MessagePack;

namespace Gfs;

/// <summary>The bytes read (fewer than asked only at the chunk's end) or why none were.</summary>
[MessagePackObject]
public sealed record ReadChunkResponse
{
    /// <summary>Why it failed, or <see cref="GfsErrorCode.None"/>.</summary>
    [Key(0)]
    public GfsErrorCode Code { get; init; }

    /// <summary>What went wrong, in words.</summary>
    [Key(1)]
    public string Message { get; init; } = "";

    /// <summary>The verified bytes.</summary>
    [Key(2)]
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>The replica's length.</summary>
    [Key(3)]
    public long ChunkLength { get; init; }
}
