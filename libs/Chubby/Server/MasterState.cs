namespace Chubby;

/// <summary>
/// What a master keeps only in memory for its term (Chubby §2.9): lease ends, held KeepAlives, handles and their event
/// subscriptions, who caches what, invalidations in progress and lock waiters. A new master rebuilds it from the database
/// (sessions and their recorded lease promises) and from its clients (handles, re-sent after the fail-over event).
/// </summary>
/// <remarks>Guarded by the server's lock; nothing here is touched outside it.</remarks>
internal sealed class MasterState(ulong epoch)
{
    /// <summary>The Raft term this master leads; clients see it as the master epoch.</summary>
    public ulong Epoch { get; } = epoch;

    /// <summary>The <see cref="CommandKind.MasterElected"/> entry is applied: the database is current and the sessions are known.</summary>
    public bool Ready { get; set; }

    /// <summary>A <see cref="CommandKind.MasterElected"/> proposal is in flight.</summary>
    public bool Electing { get; set; }

    /// <summary>
    /// Every session has acknowledged the fail-over event (so flushed caches the old master knew of) or expired; until then the
    /// master refuses changes (Chubby §2.9, step 7).
    /// </summary>
    public bool WritesAllowed { get; set; }

    /// <summary>Set when this node stops being the master; everything waiting on this state is released.</summary>
    public bool Abandoned { get; set; }

    public Dictionary<ulong, SessionLease> Leases { get; } = [];

    /// <summary>Which sessions may cache each path.</summary>
    public Dictionary<string, HashSet<ulong>> Cachers { get; } = new(StringComparer.Ordinal);

    /// <summary>Paths with a change in progress, whose reads are answered as not cacheable.</summary>
    public Dictionary<string, int> Invalidating { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Which sessions have an invalidation of each path not yet acknowledged. A later change to the path waits for them too: the
    /// session may still hold the old copy, though it is no longer in <see cref="Cachers"/>.
    /// </summary>
    public Dictionary<string, HashSet<ulong>> Outstanding { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Changes to ACL files in progress. While there is one no read is cacheable: an ACL file governs nodes anywhere in the cell, so
    /// such a change invalidates every cached copy, and a copy read meanwhile could outlive the right it was read with.
    /// </summary>
    public int AclFileChanges { get; set; }

    /// <summary>Which sessions have a handle open on each path.</summary>
    public Dictionary<string, HashSet<ulong>> Watchers { get; } = new(StringComparer.Ordinal);

    /// <summary>Blocking Acquires waiting for a lock, by path.</summary>
    public Dictionary<string, List<LockWaiter>> Waiters { get; } = new(StringComparer.Ordinal);
}
