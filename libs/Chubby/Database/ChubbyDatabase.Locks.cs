namespace Chubby;

internal sealed partial class ChubbyDatabase
{
    private DatabaseResult Acquire(DatabaseSession session, DatabaseCommand command)
    {
        // Chubby §2.4: acquiring a lock in either mode needs the write right, so that a reader cannot keep writers out. Releasing
        // needs no right: a holder whose rights were revoked can still let go.
        if ((Find(command.Path, command.InstanceNumber, out var node) ?? Authorize(session, node!, AclRight.Write)) is { } error)
        {
            return error;
        }

        if (node!.Holds(session.Id))
        {
            return DatabaseResult.Error(ChubbyErrorCode.LockAlreadyHeld, $"Session {session.Id} already holds the lock of {node.Path}.");
        }

        // Lock-delay (Chubby §2.4): after a holder vanished without releasing, nobody may take the lock for a while, so that
        // requests the old holder sent before it vanished cannot be processed under the next holder.
        if (_clockMilliseconds < node.LockDelayUntilMilliseconds)
        {
            return new DatabaseResult
            {
                Status = ChubbyErrorCode.LockDelay,
                Message = $"The lock of {node.Path} is in lock-delay for another {node.LockDelayUntilMilliseconds - _clockMilliseconds} ms: its last holder's session expired while holding it.",
                LockDelayUntilMilliseconds = node.LockDelayUntilMilliseconds,
            };
        }

        var conflicts = command.LockMode == LockMode.Exclusive ? !node.IsLockFree : node.ExclusiveHolder != 0;
        if (conflicts)
        {
            return new DatabaseResult
            {
                Status = ChubbyErrorCode.LockBusy,
                Message = $"The lock of {node.Path} is held {(node.ExclusiveHolder != 0 ? "exclusively" : "shared")} by another session.",
                Holders = node.Holders(),
            };
        }

        if (node.IsLockFree)
        {
            node.LockGeneration++;
            node.LockDelayMilliseconds = 0;
        }

        if (command.LockMode == LockMode.Exclusive)
        {
            node.ExclusiveHolder = session.Id;
        }
        else
        {
            node.SharedHolders.Add(session.Id);
        }

        node.LockDelayMilliseconds = Math.Max(node.LockDelayMilliseconds, Math.Clamp(command.LockDelayMilliseconds, 0, (long)_options.MaxLockDelay.TotalMilliseconds));
        session.Locks.Add(node.Path);
        return new DatabaseResult { Stat = node.ToStat(), Changes = [new NodeChange(node.Path, ChangeKind.LockAcquired)] };
    }

    private DatabaseResult Release(DatabaseSession session, DatabaseCommand command)
    {
        if (Find(command.Path, command.InstanceNumber, out var node) is { } error)
        {
            return error;
        }

        if (!node!.Holds(session.Id))
        {
            return DatabaseResult.Error(ChubbyErrorCode.LockNotHeld, $"Session {session.Id} does not hold the lock of {node.Path}.");
        }

        ReleaseLock(node, session, lockDelay: false);
        return new DatabaseResult { Stat = node.ToStat(), Changes = [new NodeChange(node.Path, ChangeKind.LockReleased)] };
    }

    private void ReleaseLock(DatabaseNode node, DatabaseSession session, bool lockDelay)
    {
        if (node.ExclusiveHolder == session.Id)
        {
            node.ExclusiveHolder = 0;
        }

        node.SharedHolders.Remove(session.Id);
        session.Locks.Remove(node.Path);
        if (lockDelay && node.LockDelayMilliseconds > 0)
        {
            node.LockDelayUntilMilliseconds = Math.Max(node.LockDelayUntilMilliseconds, _clockMilliseconds + node.LockDelayMilliseconds);
        }
    }

    /// <summary>Ends sessions: releases their locks (with lock-delay when they expired), deletes their ephemeral files.</summary>
    private DatabaseResult EndSessions(IEnumerable<ulong> ids, bool lockDelay)
    {
        var changes = new List<NodeChange>();
        foreach (var id in ids)
        {
            if (!_sessions.Remove(id, out var session))
            {
                continue;
            }

            foreach (var path in session.Locks.ToList())
            {
                ReleaseLock(_nodes[path], session, lockDelay);
                changes.Add(new NodeChange(path, ChangeKind.LockReleased));
            }

            foreach (var path in session.Ephemerals.ToList())
            {
                // Ephemeral nodes are files, so they have no children to block the delete.
                RemoveNode(_nodes[path]);
                changes.Add(new NodeChange(path, ChangeKind.Deleted));
            }
        }

        return new DatabaseResult { Changes = [.. changes] };
    }

    /// <summary>Whether a sequencer describes the lock as it is held now.</summary>
    private bool IsCurrent(Sequencer sequencer) =>
        _nodes.TryGetValue(sequencer.Path, out var node)
        && node.LockGeneration == sequencer.LockGeneration
        && (sequencer.Mode == LockMode.Exclusive ? node.ExclusiveHolder != 0 : node.SharedHolders.Count > 0);
}
