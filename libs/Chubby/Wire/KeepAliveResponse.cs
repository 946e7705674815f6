using Cluster.Core;
using MessagePack;

namespace Chubby;

/// <summary>The master's answer to a <see cref="KeepAliveRequest"/>.</summary>
[MessagePackObject]
public sealed record KeepAliveResponse
{
    /// <summary>The outcome: <see cref="ChubbyErrorCode.Ok"/>, <see cref="ChubbyErrorCode.NotMaster"/> or <see cref="ChubbyErrorCode.SessionExpired"/>.</summary>
    [Key(0)]
    public ChubbyErrorCode Status { get; init; }

    /// <summary>For <see cref="ChubbyErrorCode.NotMaster"/>: the master as far as the replica knows.</summary>
    [Key(1)]
    public NodeId MasterHint { get; init; }

    /// <summary>The master's epoch (its Raft term).</summary>
    [Key(2)]
    public ulong MasterEpoch { get; init; }

    /// <summary>How long the master held the request before answering.</summary>
    [Key(3)]
    public long HeldMilliseconds { get; init; }

    /// <summary>How long the lease lasts from the moment of the answer.</summary>
    /// <remarks>
    /// The client's local lease ends at <c>sent + held + remaining</c>, which is never later than the master's deadline, since the
    /// request was sent before the master received it.
    /// </remarks>
    [Key(4)]
    public long LeaseRemainingMilliseconds { get; init; }

    /// <summary>Cached nodes the client must drop before acknowledging (numbered, in order).</summary>
    [Key(5)]
    public IReadOnlyList<InvalidationNotice>? Invalidations { get; init; }

    /// <summary>Events for the client's handles (numbered, in order).</summary>
    [Key(6)]
    public IReadOnlyList<EventNotice>? Events { get; init; }

    /// <summary>
    /// How long before the lease ends the master answers a held KeepAlive at the latest (<see cref="ChubbyServerOptions.KeepAliveReplyMargin"/>).
    /// A client without an answer halfway through that margin asks again, so that a lost message does not cost the session.
    /// </summary>
    [Key(7)]
    public long ReplyMarginMilliseconds { get; init; }
}
