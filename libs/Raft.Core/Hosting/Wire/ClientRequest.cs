using MessagePack;

namespace Raft.Core;

/// <summary>A request from a <see cref="RaftClient"/> to a node.</summary>
[MessagePackObject]
public sealed record ClientRequest
{
    /// <summary>What is asked.</summary>
    [Key(0)]
    public ClientRequestKind Kind { get; init; }

    /// <summary>The session's client id (0 when none is needed).</summary>
    [Key(1)]
    public ulong ClientId { get; init; }

    /// <summary>The command's sequence number within the session, from 1; a retry reuses it.</summary>
    [Key(2)]
    public ulong Sequence { get; init; }

    /// <summary>Every command of the session numbered below this has had its response delivered, so the cluster may forget those responses.</summary>
    [Key(3)]
    public ulong LowestUnacknowledged { get; init; }

    /// <summary>The command or query.</summary>
    [Key(4)]
    public ReadOnlyMemory<byte> Payload { get; init; }
}
