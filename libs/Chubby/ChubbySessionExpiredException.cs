namespace Chubby;

/// <summary>
/// The session is over (its lease ran out at the master, or the grace period ran out at the client): its locks are gone and its
/// handles no longer work. Open a new <see cref="ChubbyClient"/> to continue.
/// </summary>
public sealed class ChubbySessionExpiredException : ChubbyException
{
    /// <summary>Creates the exception.</summary>
    public ChubbySessionExpiredException(ulong sessionId, string reason)
        : base(ChubbyErrorCode.SessionExpired, null, $"Session {sessionId} has expired: {reason}. Its locks are released and its handles are invalid; connect a new client.")
    {
        SessionId = sessionId;
    }

    /// <summary>The session that expired.</summary>
    public ulong SessionId { get; }
}
