using Cluster.Core;
using MessagePack;

namespace Raft.Core;

/// <summary>A node's answer to a <see cref="ClientRequest"/>.</summary>
[MessagePackObject]
public sealed record ClientResponse
{
    /// <summary>The outcome.</summary>
    [Key(0)]
    public ClientResponseStatus Status { get; init; }

    /// <summary>The leader the node knows of, for <see cref="ClientResponseStatus.NotLeader"/> and <see cref="ClientResponseStatus.Unknown"/>.</summary>
    [Key(1)]
    public NodeId LeaderHint { get; init; }

    /// <summary>The command's or query's result.</summary>
    [Key(2)]
    public ReadOnlyMemory<byte> Result { get; init; }

    /// <summary>For <see cref="ClientRequestKind.OpenSession"/>: the new session's client id.</summary>
    [Key(3)]
    public ulong ClientId { get; init; }

    /// <summary>A description of a refusal or failure.</summary>
    [Key(4)]
    public string? Message { get; init; }
}
