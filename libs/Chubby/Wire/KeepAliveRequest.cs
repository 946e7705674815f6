using MessagePack;

namespace Chubby;

/// <summary>
/// A session's KeepAlive (Chubby §2.8): the master holds it until shortly before the lease would run out, then extends the lease
/// and answers; it answers early to deliver events and cache invalidations. The next KeepAlive acknowledges what the last answer
/// carried.
/// </summary>
[MessagePackObject]
public sealed record KeepAliveRequest
{
    /// <summary>The session.</summary>
    [Key(0)]
    public ulong SessionId { get; init; }

    /// <summary>The master epoch of the last answer the client processed; a different epoch at the master is a fail-over.</summary>
    [Key(1)]
    public ulong KnownMasterEpoch { get; init; }

    /// <summary>The client has dropped every invalidated cache entry up to this number.</summary>
    [Key(2)]
    public ulong AcknowledgedInvalidation { get; init; }

    /// <summary>The client has received every event up to this number.</summary>
    [Key(3)]
    public ulong AcknowledgedEvent { get; init; }

    /// <summary>After a fail-over: the client's open handles, so that the new master rebuilds them.</summary>
    [Key(4)]
    public IReadOnlyList<HandleDescriptor>? Handles { get; init; }

    /// <summary>
    /// Answer at once instead of holding the KeepAlive (unless the lease is due for renewal, which answers it promptly): the client
    /// is in jeopardy, has not heard from this replica yet, or had no answer when one was due (a message was lost). It learns its
    /// lease end without waiting for the next renewal.
    /// </summary>
    [Key(5)]
    public bool AnswerNow { get; init; }
}
