namespace Chubby;

/// <summary>The events a handle subscribes to when it is opened (Chubby §2.5); delivered with KeepAlive replies.</summary>
[Flags]
public enum EventMask : byte
{
    /// <summary>No events.</summary>
    None = 0,

    /// <summary>The node's contents were written.</summary>
    ContentsModified = 1,

    /// <summary>A child was added to this directory.</summary>
    ChildAdded = 2,

    /// <summary>A child was removed from this directory.</summary>
    ChildRemoved = 4,

    /// <summary>A child of this directory had its contents written.</summary>
    ChildModified = 8,

    /// <summary>The node's lock was acquired by some session.</summary>
    LockAcquired = 16,

    /// <summary>Another session asked for the lock this session holds.</summary>
    ConflictingLock = 32,

    /// <summary>Every event.</summary>
    All = ContentsModified | ChildAdded | ChildRemoved | ChildModified | LockAcquired | ConflictingLock,
}
