namespace Raft.Core;

/// <summary>The first byte of every normal entry a <see cref="RaftNode"/> proposes: what the rest of the entry holds.</summary>
internal enum HostedEntryKind : byte
{
    /// <summary>A command without a session (at-least-once if the caller retries).</summary>
    Command = 1,

    /// <summary>A command under a client session (applied at most once per sequence number).</summary>
    SessionCommand = 2,

    /// <summary>Opens a session whose client id is the entry's index.</summary>
    OpenSession = 3,

    /// <summary>Closes a session.</summary>
    CloseSession = 4,

    /// <summary>Keeps a session alive.</summary>
    KeepAlive = 5,
}
