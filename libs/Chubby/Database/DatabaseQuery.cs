using MessagePack;

namespace Chubby;

/// <summary>A read of the database, served through Raft's ReadIndex so that it is linearizable.</summary>
[MessagePackObject]
internal sealed record DatabaseQuery
{
    [Key(0)]
    public QueryKind Kind { get; init; }

    [Key(1)]
    public string? Path { get; init; }

    /// <summary>The node instance the client's handle is bound to; 0 to accept any.</summary>
    [Key(2)]
    public ulong InstanceNumber { get; init; }

    [Key(3)]
    public bool IncludeContents { get; init; }

    [Key(4)]
    public Sequencer? Sequencer { get; init; }

    [Key(5)]
    public ulong[]? SessionIds { get; init; }
}
