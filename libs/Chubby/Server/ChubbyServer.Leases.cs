using Cluster.Core;

namespace Chubby;

public sealed partial class ChubbyServer
{
    /// <summary>
    /// Runs every <see cref="ChubbyServerOptions.SweepInterval"/>: follows the Raft role, ends sessions whose lease ran out, renews
    /// leases whose held KeepAlive is due, wakes lock waiters whose time came, and ends fail-over recovery.
    /// </summary>
    private void Sweep()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        var status = Raft.Status;
        lock (_gate)
        {
            var current = _master;
            if (status.IsLeader != (current is not null) || (current is not null && current.Epoch != status.Term))
            {
                // A role change the event did not report yet (or at all, for a node that led before the handler was attached).
                FollowRaftRoleLocked(status.IsLeader, status.Term);
            }
        }

        MasterState? master;
        List<SessionLease> ending = [];
        List<SessionLease> renewing = [];
        var retryTakeOver = false;
        lock (_gate)
        {
            master = _master;
            if (master is null)
            {
                return;
            }

            if (!master.Ready)
            {
                retryTakeOver = !master.Electing;
            }
            else
            {
                var now = NowMilliseconds;
                var margin = (long)_options.KeepAliveReplyMargin.TotalMilliseconds;
                foreach (var lease in master.Leases.Values)
                {
                    // A session whose renewal this master is still logging is not ended: its client asked in time, and the delay
                    // is the master's own (a slow disk or a lost quorum). If the renewal fails, the next sweep ends it.
                    if (!lease.Ending && !lease.Renewing && lease.DeadlineMilliseconds <= now)
                    {
                        BeginEnd(master, lease);
                    }

                    if (lease.Ending && !lease.EndInFlight)
                    {
                        lease.EndInFlight = true;
                        ending.Add(lease);
                    }
                    else if (!lease.Ending && lease.Held is not null && !lease.Renewing && lease.DeadlineMilliseconds - margin <= now)
                    {
                        lease.Renewing = true;
                        renewing.Add(lease);
                    }
                }

                foreach (var waiters in master.Waiters.Values)
                {
                    foreach (var waiter in waiters.Where(w => w.RetryAtMilliseconds <= now))
                    {
                        waiter.Completion.TrySetResult();
                    }
                }

                CheckRecoveryLocked(master);
            }
        }

        if (retryTakeOver)
        {
            _ = TakeOverAsync(master);
        }

        if (ending.Count > 0)
        {
            _ = EndSessionsAsync(master, ending, expired: true);
        }

        if (renewing.Count > 0)
        {
            _ = RenewAsync(master, renewing);
        }
    }

    private void FollowRaftRoleLocked(bool isLeader, ulong term)
    {
        // Called with the lock held; TakeOverAsync is started by the next sweep (master not Ready and not Electing).
        if (isLeader && (_master is null || _master.Epoch != term))
        {
            Abandon(_master);
            _master = new MasterState(term);
        }
        else if (!isLeader && _master is not null)
        {
            Abandon(_master);
            _master = null;
        }
    }

    /// <summary>Records new lease ends in the log, then answers the held KeepAlives with them (a promise is logged before it is made).</summary>
    private async Task RenewAsync(MasterState master, List<SessionLease> leases)
    {
        var until = NowMilliseconds + (long)_options.Lease.TotalMilliseconds;
        try
        {
            await ProposeAsync(new DatabaseCommand
            {
                Kind = CommandKind.RenewLeases,
                TimeMilliseconds = NowMilliseconds,
                Renewals = [.. leases.Select(l => new LeaseRecord(l.Id, until))],
            });
        }
        catch (Exception exception) when (IsMasterLoss(exception))
        {
            lock (_gate)
            {
                leases.ForEach(l => l.Renewing = false);
            }

            return;
        }

        lock (_gate)
        {
            foreach (var lease in leases)
            {
                lease.Renewing = false;
                if (!master.Abandoned && !lease.Ending)
                {
                    lease.DeadlineMilliseconds = Math.Max(lease.DeadlineMilliseconds, until);
                    AnswerHeldLocked(master, lease);
                }
            }
        }
    }

    /// <summary>
    /// Why a session is not served now, or null when it is. <see cref="ChubbyErrorCode.SessionExpired"/> is final and sent only when
    /// the master no longer has the session (its end is in the log, or it never existed). A session this master is ending, or whose
    /// lease ran out before the sweep has ended it, gets <see cref="ChubbyErrorCode.MasterRecovering"/>: the end is not recorded
    /// yet, and a master that was paused or cut off may no longer be the master at all, so the client asks again (and finds the
    /// real master, or hears that its session expired once the end is logged).
    /// </summary>
    private static ChubbyErrorCode? RefusalLocked(MasterState master, ulong sessionId, long now, out SessionLease? lease)
    {
        if (!master.Leases.TryGetValue(sessionId, out lease))
        {
            return ChubbyErrorCode.SessionExpired;
        }

        return lease.Ending || (lease.DeadlineMilliseconds <= now && !lease.Renewing) ? ChubbyErrorCode.MasterRecovering : null;
    }

    /// <summary>Marks a session as ending: it is refused from now on, and changes waiting for its acknowledgement go ahead.</summary>
    private static void BeginEnd(MasterState master, SessionLease lease)
    {
        lease.Ending = true;
        var held = lease.Held;
        lease.Held = null;
        held?.Completion.TrySetResult(new KeepAliveResponse { Status = ChubbyErrorCode.MasterRecovering, MasterEpoch = master.Epoch });
        foreach (var (_, owner) in lease.Unacknowledged)
        {
            owner.Release();
        }

        var paths = lease.Unacknowledged.Select(u => u.Notice.Path).ToList();
        lease.Unacknowledged.Clear();
        ForgetOutstandingLocked(master, lease, paths);
        lease.Events.Clear();
    }

    /// <summary>
    /// Ends sessions through the log: their ephemeral files are deleted (after invalidating caches of them and their parents) and
    /// their locks released, with lock-delay when they <paramref name="expired"/>.
    /// </summary>
    private async Task<bool> EndSessionsAsync(MasterState master, List<SessionLease> leases, bool expired)
    {
        var ids = leases.Select(l => l.Id).ToArray();
        string[] footprint = [];
        var invalidating = false;
        try
        {
            footprint = (await QueryAsync(new DatabaseQuery { Kind = QueryKind.Footprint, SessionIds = ids })).Paths ?? [];
            invalidating = true;
            await InvalidateAsync(master, footprint);
            var result = await ProposeAsync(new DatabaseCommand
            {
                Kind = expired ? CommandKind.ExpireSessions : CommandKind.CloseSession,
                TimeMilliseconds = NowMilliseconds,
                SessionId = ids[0],
                SessionIds = ids,
            });
            lock (_gate)
            {
                foreach (var lease in leases)
                {
                    ForgetLocked(master, lease);
                }

                ProcessChangesLocked(master, result.Changes);
            }

            Log.SessionsEnded(_logger, Id, string.Join(' ', ids), expired ? "lease expired" : "closed by the client");
            return true;
        }
        catch (Exception exception) when (IsMasterLoss(exception))
        {
            lock (_gate)
            {
                leases.ForEach(l => l.EndInFlight = false); // the next sweep tries again while this replica is master
            }

            return false;
        }
        finally
        {
            if (invalidating)
            {
                EndInvalidation(master, footprint);
            }
        }
    }

    private static void ForgetLocked(MasterState master, SessionLease lease)
    {
        master.Leases.Remove(lease.Id);
        foreach (var path in lease.Cached)
        {
            if (master.Cachers.TryGetValue(path, out var cachers) && cachers.Remove(lease.Id) && cachers.Count == 0)
            {
                master.Cachers.Remove(path);
            }
        }

        foreach (var handle in lease.Handles.Values)
        {
            RemoveWatcherLocked(master, lease, handle);
        }

        lease.Handles.Clear();
    }

    /// <summary>Chubby §2.9 step 7: changes wait until every session has acknowledged the fail-over (so flushed its cache) or ended.</summary>
    private void CheckRecoveryLocked(MasterState master)
    {
        if (!master.WritesAllowed && master.Leases.Values.All(l => l.AcknowledgedFailover || l.Ending))
        {
            master.WritesAllowed = true;
            Log.RecoveryFinished(_logger, Id, master.Epoch);
        }
    }

    private async ValueTask<KeepAliveResponse> HandleKeepAliveAsync(NodeId from, KeepAliveRequest request, CancellationToken cancellationToken)
    {
        Task<KeepAliveResponse> answer;
        MasterState master;
        SessionLease lease;
        var renewNow = false;
        lock (_gate)
        {
            if (_master is not { Ready: true, Abandoned: false } current)
            {
                return new KeepAliveResponse { Status = ChubbyErrorCode.NotMaster, MasterHint = _master is null ? MasterHint() : NodeId.None };
            }

            master = current;

            var now = NowMilliseconds;
            if (RefusalLocked(master, request.SessionId, now, out var found) is { } refusal)
            {
                return new KeepAliveResponse { Status = refusal, MasterEpoch = master.Epoch };
            }

            lease = found!;
            foreach (var handle in request.Handles ?? [])
            {
                RegisterHandleLocked(master, lease, handle);
            }

            AcknowledgeLocked(master, lease, request.AcknowledgedInvalidation, request.AcknowledgedEvent);
            var knowsEpoch = request.KnownMasterEpoch == master.Epoch;
            if (knowsEpoch && !lease.AcknowledgedFailover)
            {
                lease.AcknowledgedFailover = true;
                CheckRecoveryLocked(master);
            }

            // Answer at once when there is something to deliver: a fail-over, invalidations or events (Chubby §2.8); or when the
            // client asks to, unless a renewal is due, which answers it as soon as the new lease end is logged.
            var renewalDue = lease.DeadlineMilliseconds - (long)_options.KeepAliveReplyMargin.TotalMilliseconds <= now;
            if (!knowsEpoch || lease.Unacknowledged.Count > 0 || lease.Events.Count > 0 || (request.AnswerNow && !renewalDue))
            {
                return BuildAnswerLocked(master, lease, now, now);
            }

            var previous = lease.Held;
            var held = new HeldKeepAlive(now);
            lease.Held = held;
            previous?.Completion.TrySetResult(BuildAnswerLocked(master, lease, now, previous.ReceivedAtMilliseconds));
            answer = held.Completion.Task;

            // A KeepAlive that arrives when the renewal is already due (the client asked again after a miss) is renewed now, not at
            // the next sweep: the time left may be shorter than a sweep interval.
            if (renewalDue && !lease.Renewing)
            {
                lease.Renewing = renewNow = true;
            }
        }

        if (renewNow)
        {
            _ = RenewAsync(master, [lease]);
        }

        return await answer;
    }

    private static void AcknowledgeLocked(MasterState master, SessionLease lease, ulong invalidation, ulong @event)
    {
        var dropped = 0;
        while (dropped < lease.Unacknowledged.Count && lease.Unacknowledged[dropped].Notice.Number <= invalidation)
        {
            lease.Unacknowledged[dropped].Owner.Release();
            dropped++;
        }

        var paths = lease.Unacknowledged.Take(dropped).Select(u => u.Notice.Path).ToList();
        lease.Unacknowledged.RemoveRange(0, dropped);
        ForgetOutstandingLocked(master, lease, paths);
        lease.Events.RemoveAll(e => e.Number <= @event);
    }

    /// <summary>Answers the KeepAlive the session's client left with the master, if any, with the current lease end.</summary>
    private void AnswerHeldLocked(MasterState master, SessionLease lease)
    {
        if (lease.Held is not { } held)
        {
            return;
        }

        lease.Held = null;
        held.Completion.TrySetResult(BuildAnswerLocked(master, lease, NowMilliseconds, held.ReceivedAtMilliseconds));
    }

    private KeepAliveResponse BuildAnswerLocked(MasterState master, SessionLease lease, long now, long receivedAt) => new()
    {
        Status = ChubbyErrorCode.Ok,
        ReplyMarginMilliseconds = (long)_options.KeepAliveReplyMargin.TotalMilliseconds,
        MasterEpoch = master.Epoch,
        HeldMilliseconds = Math.Max(0, now - receivedAt),
        LeaseRemainingMilliseconds = Math.Max(0, lease.DeadlineMilliseconds - now),
        Invalidations = lease.Unacknowledged.Count > 0 ? [.. lease.Unacknowledged.Select(u => u.Notice)] : null,
        Events = lease.Events.Count > 0 ? [.. lease.Events] : null,
    };
}
