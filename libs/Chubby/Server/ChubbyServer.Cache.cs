namespace Chubby;

public sealed partial class ChubbyServer
{
    /// <summary>Bound on undelivered events per session; the oldest are dropped beyond it (events are hints, not state).</summary>
    private const int MaxPendingEventsPerSession = 1024;

    /// <summary>
    /// Chubby §2.5: before a change to <paramref name="paths"/> is logged, every session that may cache one of them is told to drop
    /// it (on its KeepAlive answer), and the change waits until each has acknowledged or its lease has ended. Meanwhile reads of
    /// those paths are answered as not cacheable. Call <see cref="EndInvalidation"/> once the change is applied or abandoned.
    /// </summary>
    /// <exception cref="MasterChangedException">This replica stopped being the master while waiting.</exception>
    private async Task InvalidateAsync(MasterState master, IReadOnlyCollection<string> paths)
    {
        var pending = new PendingInvalidation();
        lock (_gate)
        {
            foreach (var path in paths)
            {
                master.Invalidating[path] = master.Invalidating.GetValueOrDefault(path) + 1;
            }

            if (master.Abandoned)
            {
                throw new MasterChangedException();
            }

            var notified = new List<SessionLease>();
            foreach (var path in paths)
            {
                master.Cachers.Remove(path, out var cachers);
                master.Outstanding.TryGetValue(path, out var outstanding);
                var sessions = (cachers ?? []).Union(outstanding ?? []).ToList();
                foreach (var id in sessions)
                {
                    if (!master.Leases.TryGetValue(id, out var lease) || lease.Ending)
                    {
                        continue;
                    }

                    lease.Cached.Remove(path);
                    lease.Unacknowledged.Add((new InvalidationNotice(++lease.LastInvalidation, path), pending));
                    if (!master.Outstanding.TryGetValue(path, out var waiting))
                    {
                        master.Outstanding[path] = waiting = [];
                    }

                    waiting.Add(id);
                    pending.Remaining++;
                    notified.Add(lease);
                }
            }

            if (pending.Remaining == 0)
            {
                return;
            }

            foreach (var lease in notified)
            {
                AnswerHeldLocked(master, lease);
            }
        }

        await pending.Completion.Task;
    }

    /// <summary>Drops the session from <see cref="MasterState.Outstanding"/> for paths it no longer has an invalidation of.</summary>
    private static void ForgetOutstandingLocked(MasterState master, SessionLease lease, IEnumerable<string> paths)
    {
        foreach (var path in paths.Distinct(StringComparer.Ordinal))
        {
            if (!lease.Unacknowledged.Any(u => u.Notice.Path == path)
                && master.Outstanding.TryGetValue(path, out var sessions) && sessions.Remove(lease.Id) && sessions.Count == 0)
            {
                master.Outstanding.Remove(path);
            }
        }
    }

    private void EndInvalidation(MasterState master, IReadOnlyCollection<string> paths)
    {
        lock (_gate)
        {
            foreach (var path in paths)
            {
                var count = master.Invalidating.GetValueOrDefault(path) - 1;
                if (count <= 0)
                {
                    master.Invalidating.Remove(path);
                }
                else
                {
                    master.Invalidating[path] = count;
                }
            }
        }
    }

    /// <summary>
    /// Decides whether a read of <paramref name="path"/> may be cached, and if so records the session as caching it before the
    /// read runs, so that a change starting meanwhile invalidates it too.
    /// </summary>
    private bool BeginCacheableReadLocked(MasterState master, SessionLease lease, string path)
    {
        if (!_options.CachingEnabled || master.AclFileChanges > 0 || master.Invalidating.ContainsKey(path))
        {
            return false;
        }

        if (!master.Cachers.TryGetValue(path, out var cachers))
        {
            master.Cachers[path] = cachers = [];
        }

        cachers.Add(lease.Id);
        lease.Cached.Add(path);
        return true;
    }

    /// <summary>Registers (or, after a fail-over, rebuilds) a handle from the descriptor the client sent.</summary>
    private void RegisterHandleLocked(MasterState master, SessionLease lease, HandleDescriptor handle)
    {
        if (lease.Handles.ContainsKey(handle.HandleId) || lease.Handles.Count >= _options.MaxHandlesPerSession)
        {
            return;
        }

        lease.Handles[handle.HandleId] = handle;
        if (!master.Watchers.TryGetValue(handle.Path, out var watchers))
        {
            master.Watchers[handle.Path] = watchers = [];
        }

        watchers.Add(lease.Id);
    }

    private static void RemoveWatcherLocked(MasterState master, SessionLease lease, HandleDescriptor handle)
    {
        if (lease.Handles.Values.Any(h => h.HandleId != handle.HandleId && h.Path == handle.Path))
        {
            return;
        }

        if (master.Watchers.TryGetValue(handle.Path, out var watchers) && watchers.Remove(lease.Id) && watchers.Count == 0)
        {
            master.Watchers.Remove(handle.Path);
        }
    }

    /// <summary>Turns the changes a command made into events for subscribed handles, and wakes lock waiters.</summary>
    private void ProcessChangesLocked(MasterState master, NodeChange[]? changes)
    {
        if (master.Abandoned || changes is null)
        {
            return;
        }

        foreach (var change in changes)
        {
            var parent = ChubbyPath.Parent(change.Path);
            switch (change.Kind)
            {
                case ChangeKind.Created:
                    NotifyLocked(master, parent, EventMask.ChildAdded, ChubbyEventKind.ChildAdded, change.Path);
                    break;
                case ChangeKind.Deleted:
                    InvalidateHandlesLocked(master, change.Path);
                    NotifyLocked(master, parent, EventMask.ChildRemoved, ChubbyEventKind.ChildRemoved, change.Path);
                    WakeWaitersLocked(master, change.Path);
                    break;
                case ChangeKind.ContentsModified:
                    NotifyLocked(master, change.Path, EventMask.ContentsModified, ChubbyEventKind.ContentsModified, change.Path);
                    NotifyLocked(master, parent, EventMask.ChildModified, ChubbyEventKind.ChildModified, change.Path);
                    break;
                case ChangeKind.LockAcquired:
                    NotifyLocked(master, change.Path, EventMask.LockAcquired, ChubbyEventKind.LockAcquired, change.Path);
                    break;
                case ChangeKind.LockReleased:
                    WakeWaitersLocked(master, change.Path);
                    break;
            }
        }
    }

    private void NotifyLocked(MasterState master, string? node, EventMask mask, ChubbyEventKind kind, string path, IReadOnlyCollection<ulong>? only = null)
    {
        if (node is null || !master.Watchers.TryGetValue(node, out var watchers))
        {
            return;
        }

        foreach (var id in watchers)
        {
            if ((only is null || only.Contains(id)) && master.Leases.TryGetValue(id, out var lease) && !lease.Ending
                && lease.Handles.Values.Any(h => h.Path == node && (h.Events & mask) != 0))
            {
                AddEventLocked(master, lease, kind, path);
            }
        }
    }

    private void InvalidateHandlesLocked(MasterState master, string path)
    {
        if (!master.Watchers.Remove(path, out var watchers))
        {
            return;
        }

        foreach (var id in watchers)
        {
            if (master.Leases.TryGetValue(id, out var lease) && !lease.Ending)
            {
                foreach (var handle in lease.Handles.Values.Where(h => h.Path == path).ToList())
                {
                    lease.Handles.Remove(handle.HandleId);
                }

                AddEventLocked(master, lease, ChubbyEventKind.HandleInvalid, path);
            }
        }
    }

    private void AddEventLocked(MasterState master, SessionLease lease, ChubbyEventKind kind, string path)
    {
        lease.Events.Add(new EventNotice(++lease.LastEvent, kind, path));
        if (lease.Events.Count > MaxPendingEventsPerSession)
        {
            lease.Events.RemoveAt(0);
        }

        AnswerHeldLocked(master, lease);
    }

    private static void WakeWaitersLocked(MasterState master, string path)
    {
        if (master.Waiters.Remove(path, out var waiters))
        {
            waiters.ForEach(w => w.Completion.TrySetResult());
        }
    }
}
