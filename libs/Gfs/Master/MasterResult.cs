using MessagePack;

namespace Gfs;

/// <summary>What a master command or query returns.</summary>
[MessagePackObject]
internal sealed record MasterResult
{
    [Key(0)]
    public GfsErrorCode Code { get; init; }

    [Key(1)]
    public string Message { get; init; } = "";

    [Key(2)]
    public ulong Handle { get; init; }

    [Key(3)]
    public ulong Version { get; init; }

    /// <summary>For copy-on-write: the handle the file's chunk had before (equal to <see cref="Handle"/> when nothing was copied).</summary>
    [Key(4)]
    public ulong PreviousHandle { get; init; }

    /// <summary>Whether the command created the chunk (so the master must place its replicas).</summary>
    [Key(5)]
    public bool Created { get; init; }

    [Key(6)]
    public bool IsDirectory { get; init; }

    /// <summary>A file's chunks with their versions, a directory's children, or a list of handles.</summary>
    [Key(7)]
    public IReadOnlyList<ChunkVersion> Chunks { get; init; } = [];

    [Key(8)]
    public IReadOnlyList<string> Names { get; init; } = [];

    [Key(9)]
    public long Count { get; init; }

    public static MasterResult Ok { get; } = new();

    public static MasterResult Fail(GfsErrorCode code, string message) => new() { Code = code, Message = message };
}
