namespace Raft.Core;

/// <summary>The outcome in a <see cref="ClientResponse"/>.</summary>
public enum ClientResponseStatus
{
    /// <summary>Done; <see cref="ClientResponse.Result"/> holds the result.</summary>
    Ok = 0,

    /// <summary>This node cannot serve the request; <see cref="ClientResponse.LeaderHint"/> names the leader when known.</summary>
    NotLeader = 1,

    /// <summary>The session expired or was closed.</summary>
    SessionExpired = 2,

    /// <summary>Refused without effect (too large, too many pending, bad request); <see cref="ClientResponse.Message"/> says why.</summary>
    Rejected = 3,

    /// <summary>The node lost leadership before the outcome was known; retry (under the same sequence number).</summary>
    Unknown = 4,

    /// <summary>The node has stopped (its state machine faulted, or it is shutting down).</summary>
    Failed = 5,
}
