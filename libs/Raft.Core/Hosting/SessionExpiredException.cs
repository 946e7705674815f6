namespace Raft.Core;

/// <summary>
/// The client session a command was sent under no longer exists: it expired (no command or keep-alive reached the log within the
/// session timeout) or was closed. Whether earlier commands of the session took effect is unknown to the client; open a new session.
/// </summary>
public sealed class SessionExpiredException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public SessionExpiredException(ulong clientId)
        : base($"Client session {clientId} has expired or was closed; open a new session.")
    {
        ClientId = clientId;
    }

    /// <summary>The session's client id.</summary>
    public ulong ClientId { get; }
}
