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

    /// <summary>For <see cref="QueryKind.Node"/> and <see cref="QueryKind.Children"/>: the session whose principal must be allowed.</summary>
    [Key(6)]
    public ulong SessionId { get; init; }

    /// <summary>
    /// For <see cref="QueryKind.Node"/>: the read opens a handle, which any one of the three rights allows (a writer needs a handle to
    /// write); otherwise it needs the read right.
    /// </summary>
    [Key(7)]
    public bool ForOpen { get; init; }
}
