namespace Chubby;

/// <summary>What a command did to a node, so that the master can raise events and wake lock waiters.</summary>
internal enum ChangeKind : byte
{
    Created = 1,
    Deleted = 2,
    ContentsModified = 3,
    LockAcquired = 4,
    LockReleased = 5,
    AclModified = 6,
}
