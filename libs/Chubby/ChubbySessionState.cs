namespace Chubby;

/// <summary>The client's view of its session (Chubby §2.8).</summary>
/// <remarks>
/// <code>
///   Safe ──local lease runs out──> Jeopardy ──grace period runs out──> Expired
///    ^                               │
///    └──── KeepAlive answered ───────┘
/// </code>
/// </remarks>
public enum ChubbySessionState : byte
{
    /// <summary>The local lease has not run out: the cache is on and calls go ahead.</summary>
    Safe = 1,

    /// <summary>The local lease ran out: the cache is off and calls wait while the client looks for a master.</summary>
    Jeopardy = 2,

    /// <summary>The session is over; every call fails with <see cref="ChubbySessionExpiredException"/>.</summary>
    Expired = 3,
}
