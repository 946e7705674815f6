namespace Raft.Core;

/// <summary>What a <see cref="ClientRequest"/> asks for.</summary>
public enum ClientRequestKind
{
    /// <summary>Apply <see cref="ClientRequest.Payload"/> as a command under the request's session.</summary>
    Command = 0,

    /// <summary>Answer <see cref="ClientRequest.Payload"/> as a linearizable read-only query.</summary>
    Read = 1,

    /// <summary>Open a session; the response carries its client id.</summary>
    OpenSession = 2,

    /// <summary>Close the request's session.</summary>
    CloseSession = 3,

    /// <summary>Keep the request's session alive without a command.</summary>
    KeepAlive = 4,
}
