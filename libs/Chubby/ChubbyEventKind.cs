namespace Chubby;

/// <summary>What a <see cref="ChubbyEventArgs"/> reports.</summary>
public enum ChubbyEventKind : byte
{
    /// <summary>A subscribed node's contents were written.</summary>
    ContentsModified = 1,

    /// <summary>A child was added to a subscribed directory.</summary>
    ChildAdded = 2,

    /// <summary>A child was removed from a subscribed directory.</summary>
    ChildRemoved = 3,

    /// <summary>A child of a subscribed directory had its contents written.</summary>
    ChildModified = 4,

    /// <summary>A subscribed node's lock was acquired.</summary>
    LockAcquired = 5,

    /// <summary>Another session asked for a lock this session holds.</summary>
    ConflictingLockRequest = 6,

    /// <summary>The node a handle was bound to was deleted (or replaced by a new instance); the handle no longer works.</summary>
    HandleInvalid = 7,

    /// <summary>A new master took over. Events may have been lost meanwhile, and the cache was flushed.</summary>
    MasterFailedOver = 8,

    /// <summary>The local lease ran out: the cache is off and calls wait until the session is safe again or expires.</summary>
    Jeopardy = 9,

    /// <summary>The session reached a master again within the grace period.</summary>
    Safe = 10,

    /// <summary>The session ended: its locks are released, its ephemeral files deleted and every call fails.</summary>
    Expired = 11,
}
