namespace Chubby;

/// <summary>The outcome of a Chubby call, as carried on the wire and in <see cref="ChubbyException.Code"/>.</summary>
public enum ChubbyErrorCode : byte
{
    /// <summary>Success.</summary>
    Ok = 0,

    /// <summary>The replica asked is not the master; the answer names the master when known.</summary>
    NotMaster = 1,

    /// <summary>
    /// Retry shortly: the master has just taken over and waits for sessions to acknowledge the fail-over before it allows changes;
    /// or the session's lease has run out at this replica and its end is not recorded yet (the replica may no longer be master).
    /// </summary>
    MasterRecovering = 2,

    /// <summary>The session has expired (its end is recorded in the cell's log) or never existed.</summary>
    SessionExpired = 3,

    /// <summary>The path is not a well-formed path of this cell.</summary>
    InvalidPath = 4,

    /// <summary>No node has this path (or, when creating, its parent does not exist).</summary>
    NotFound = 5,

    /// <summary>The node exists and an exclusive create was asked for.</summary>
    AlreadyExists = 6,

    /// <summary>The operation needs a file but the node is a directory.</summary>
    IsDirectory = 7,

    /// <summary>The operation needs a directory but the node is a file.</summary>
    NotDirectory = 8,

    /// <summary>A directory with children cannot be deleted.</summary>
    NotEmpty = 9,

    /// <summary>The contents are larger than the cell's maximum file size.</summary>
    FileTooLarge = 10,

    /// <summary>A compare-and-swap found a different content generation.</summary>
    GenerationMismatch = 11,

    /// <summary>The handle's node was deleted or replaced, or the handle was closed.</summary>
    HandleInvalid = 12,

    /// <summary>The lock is held in a conflicting mode.</summary>
    LockBusy = 13,

    /// <summary>The lock's previous holder vanished without releasing it; nobody may take it until the lock-delay ends.</summary>
    LockDelay = 14,

    /// <summary>This session does not hold the lock.</summary>
    LockNotHeld = 15,

    /// <summary>This session already holds the lock.</summary>
    LockAlreadyHeld = 16,

    /// <summary>The sequencer attached to the handle no longer describes a held lock.</summary>
    StaleSequencer = 17,

    /// <summary>An argument is out of range; the message says which.</summary>
    InvalidArgument = 18,

    /// <summary>The session's principal is not listed in the ACL file that governs the operation; the message names the node, the principal and the file.</summary>
    PermissionDenied = 19,
}
