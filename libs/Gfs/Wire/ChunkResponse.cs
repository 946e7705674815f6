using MessagePack;

namespace Gfs;

/// <summary>A chunkserver's answer to a command, a data push or a mutation.</summary>
[MessagePackObject]
public sealed record ChunkResponse
{
    /// <summary>Why it failed, or <see cref="GfsErrorCode.None"/>.</summary>
    [Key(0)]
    public GfsErrorCode Code { get; init; }

    /// <summary>What went wrong, in words.</summary>
    [Key(1)]
    public string Message { get; init; } = "";

    /// <summary>For a record append: the offset in the chunk where the record landed.</summary>
    [Key(2)]
    public long Offset { get; init; }

    /// <summary>The replica's version after the call.</summary>
    [Key(3)]
    public ulong Version { get; init; }

    /// <summary>The replica's length after the call.</summary>
    [Key(4)]
    public long Length { get; init; }

    /// <summary>
    /// When the call failed because another chunkserver did not answer or failed the request (the next one of a push chain, or
    /// a secondary the primary forwarded the mutation to): that chunkserver, so the client can name it to the master; 0 when
    /// the failure was an answer (a refusal) or there was none.
    /// </summary>
    [Key(5)]
    public ulong Unreachable { get; init; }

    /// <summary>A successful answer.</summary>
    public static ChunkResponse Ok { get; } = new();

    /// <summary>A failed answer.</summary>
    public static ChunkResponse Fail(GfsErrorCode code, string message) => new() { Code = code, Message = message };
}
