using MessagePack;

namespace Gfs;

/// <summary>The master's answer to a <see cref="MasterRequest"/>.</summary>
[MessagePackObject]
public sealed record MasterResponse
{
    /// <summary>Why the call failed, or <see cref="GfsErrorCode.None"/>.</summary>
    [Key(0)]
    public GfsErrorCode Code { get; init; }

    /// <summary>What went wrong, in words.</summary>
    [Key(1)]
    public string Message { get; init; } = "";

    /// <summary>With <see cref="GfsErrorCode.NotLeader"/>: the master node believed to lead (0 when unknown).</summary>
    [Key(2)]
    public ulong Leader { get; init; }

    /// <summary>Whether the path is a directory.</summary>
    [Key(3)]
    public bool IsDirectory { get; init; }

    /// <summary>A directory's child names.</summary>
    [Key(4)]
    public IReadOnlyList<string> Names { get; init; } = [];

    /// <summary>Chunk locations.</summary>
    [Key(5)]
    public IReadOnlyList<ChunkLocation> Chunks { get; init; } = [];

    /// <summary>A file's number of chunks.</summary>
    [Key(6)]
    public int ChunkCount { get; init; }

    /// <summary>A file's length as the master knows it (may lag the chunkservers by a heartbeat).</summary>
    [Key(7)]
    public long Length { get; init; }

    /// <summary>The configured chunk size.</summary>
    [Key(8)]
    public long ChunkSize { get; init; }
}
