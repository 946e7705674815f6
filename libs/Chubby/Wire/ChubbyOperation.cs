namespace Chubby;

/// <summary>What a <see cref="ChubbyRequest"/> asks the master to do.</summary>
public enum ChubbyOperation : byte
{
    /// <summary>Start a session.</summary>
    CreateSession = 1,

    /// <summary>End the session: release its locks (without lock-delay) and delete its ephemeral files.</summary>
    CloseSession = 2,

    /// <summary>Open (and possibly create) a node.</summary>
    Open = 3,

    /// <summary>Read a file's contents and metadata.</summary>
    GetContentsAndStat = 4,

    /// <summary>Read a node's metadata.</summary>
    GetStat = 5,

    /// <summary>List a directory's children.</summary>
    ReadDir = 6,

    /// <summary>Replace a file's contents, optionally only at an expected content generation.</summary>
    SetContents = 7,

    /// <summary>Delete a file or an empty directory.</summary>
    Delete = 8,

    /// <summary>Acquire the node's lock, waiting up to a bound.</summary>
    Acquire = 9,

    /// <summary>Release the node's lock.</summary>
    Release = 10,

    /// <summary>Ask whether a sequencer is current.</summary>
    CheckSequencer = 11,

    /// <summary>Forget a handle (its event subscriptions end).</summary>
    CloseHandle = 12,

    /// <summary>Replace the node's ACL names (needs the change-ACL right); the node's ACL generation grows.</summary>
    SetAcl = 13,
}
