using Chubby;
using Cluster.Core;
using Raft.Core;

namespace Gfs;

public sealed partial class MasterServer
{
    private readonly MasterLock? _masterLock;
    private Activation? _activation;
    private ITimer? _leadershipTimer;
    private int _checkingLeadership;

    // Touched only by the leadership check, which never runs twice at once.
    private Sequencer? _heldLock;
    private ChubbyClient? _heldSession;
    private ChubbyHandle? _lockHandle;
    private ChubbyClient? _lockHandleSession;
    private int _lockInvalid;

    /// <summary>
    /// Whether this node acts as master now: it leads the Raft group in the term it took over in, its take-over (the epoch) is
    /// applied, and, with a <see cref="MasterLock"/>, it holds the Chubby lock with a session that is safe.
    /// </summary>
    public bool IsMaster => IsActing(out _);

    /// <summary>The epoch this node acts as master in, or 0 when it does not act as master.</summary>
    public ulong Epoch => IsActing(out var epoch) ? epoch : 0;

    /// <summary>Whether the node acts as master now, and with which epoch (see <see cref="IsMaster"/>).</summary>
    private bool IsActing(out ulong epoch)
    {
        Activation? activation;
        lock (_gate)
        {
            activation = _activation;
        }

        epoch = 0;
        if (activation is null || Volatile.Read(ref _disposed) != 0)
        {
            return false;
        }

        var status = Node.Status;
        if (!status.IsLeader || status.Term != activation.Term)
        {
            return false;
        }

        // Checked on every use, not only by the periodic check: once the session's local lease has run out the cell may end it
        // and hand the lock on, so the master stops the moment its session leaves the safe state (Chubby §2.8, jeopardy).
        if (activation.Session is { } session && (session.State != ChubbySessionState.Safe || Volatile.Read(ref _lockInvalid) != 0))
        {
            return false;
        }

        epoch = activation.Epoch;
        return true;
    }

    /// <summary>
    /// Brings the node's part in the master group in line with its Raft role: a leader takes the Chubby lock (when one is
    /// used) and then takes over (logs a new epoch); a node that holds the lock without leading releases it; a master whose
    /// lock is lost or in doubt stops acting and hands Raft leadership to another node. Runs every
    /// <see cref="MasterOptions.LeadershipCheckInterval"/> and at once on a role change; never twice at once.
    /// </summary>
    private async Task CheckLeadershipAsync()
    {
        if (Volatile.Read(ref _disposed) != 0 || Interlocked.Exchange(ref _checkingLeadership, 1) != 0)
        {
            return;
        }

        try
        {
            if (_masterLock is null)
            {
                var status = Node.Status;
                if (status.IsLeader && !IsActivatedIn(status.Term))
                {
                    await TakeOverAsync(status.Term, null, null);
                }
            }
            else
            {
                await CheckMasterLockAsync(_masterLock);
            }
        }
        catch (Exception exception) when (exception is NotLeaderException or ProposalOutcomeUnknownException or ProposalRejectedException or ObjectDisposedException
                                              or InvalidOperationException or ChubbyException or TimeoutException or OperationCanceledException)
        {
            // The next check tries again (a lost proposal, a Chubby call that failed, a session that could not be opened).
        }
        finally
        {
            Volatile.Write(ref _checkingLeadership, 0);
        }
    }

    private async Task CheckMasterLockAsync(MasterLock masterLock)
    {
        var status = Node.Status;
        if (_heldLock is { } held)
        {
            var session = _heldSession!;
            if (session.State == ChubbySessionState.Expired || Volatile.Read(ref _lockInvalid) != 0)
            {
                // The lock is gone for good: the cell ended the session (and so released the lock, with lock-delay), or the lock
                // file was deleted. Another master node may take it; the Raft leadership goes to one that can.
                Deactivate();
                Log.MasterLockLost(_logger, Node.Id, masterLock.Path, session.State == ChubbySessionState.Expired ? "the Chubby session expired" : "the lock file was deleted");
                _heldLock = null;
                _heldSession = null;
                await ForgetLockHandleAsync();
                if (status.IsLeader)
                {
                    await HandOverAsync(status);
                }

                return;
            }

            if (session.State == ChubbySessionState.Jeopardy)
            {
                // The session may already be over at the cell. The node has stopped acting (IsActing); if it was the master, it
                // ends its take-over and hands Raft leadership on, so a node that can reach Chubby takes the lock once the cell
                // releases it. Should the session come back, the lock is released (no longer leading) or taken over afresh.
                if (IsActivatedIn(status.Term))
                {
                    Deactivate();
                    Log.MasterLockLost(_logger, Node.Id, masterLock.Path, "the Chubby session is in jeopardy");
                    if (status.IsLeader)
                    {
                        await HandOverAsync(status);
                    }
                }

                return;
            }

            if (!status.IsLeader)
            {
                await ReleaseMasterLockAsync(masterLock);
            }
            else if (!IsActivatedIn(status.Term))
            {
                await TakeOverAsync(status.Term, held, session);
            }

            return;
        }

        if (!status.IsLeader)
        {
            return;
        }

        var client = await masterLock.SessionAsync();
        if (client.State != ChubbySessionState.Safe)
        {
            return;
        }

        var handle = await LockHandleAsync(masterLock, client);
        Sequencer? sequencer;
        try
        {
            sequencer = await handle.TryAcquireAsync(LockMode.Exclusive, masterLock.LockDelay);
        }
        catch (ChubbyException exception) when (exception.Code == ChubbyErrorCode.LockAlreadyHeld)
        {
            // Left over from a release that did not get through: let go, and take it afresh (with a new generation) next time.
            await handle.ReleaseAsync();
            return;
        }

        if (sequencer is null)
        {
            // Held by another session, or in lock-delay after a master's session expired holding it.
            return;
        }

        _heldLock = sequencer;
        _heldSession = client;
        Log.MasterLockAcquired(_logger, Node.Id, masterLock.Path, sequencer.LockGeneration);

        // Chubby §2.1: the holder writes its address into the lock file, so clients and chunkservers find the master there.
        await handle.SetContentsAsync(MasterLock.Encode(Node.Id));
        if (Node.Status is { IsLeader: true } now)
        {
            await TakeOverAsync(now.Term, sequencer, client);
        }
    }

    /// <summary>
    /// Logs a new master epoch (with the Chubby lock generation) and, once it is applied, acts as master: every earlier entry
    /// of the log is applied by then, and the soft state of any earlier term is dropped (it is relearned from heartbeats).
    /// </summary>
    private async Task TakeOverAsync(ulong term, Sequencer? heldLock, ChubbyClient? session)
    {
        var result = await ProposeAsync(new MasterCommand { Op = MasterOp.BeginEpoch, LockGeneration = heldLock?.LockGeneration ?? 0 }, CancellationToken.None);
        if (result.Code != GfsErrorCode.None)
        {
            // A later master took over with a newer lock generation, so this lock is not current: let it go.
            Log.TakeOverRefused(_logger, Node.Id, result.Message);
            if (_masterLock is not null)
            {
                await ReleaseMasterLockAsync(_masterLock);
            }

            return;
        }

        lock (_gate)
        {
            var status = Node.Status;
            if (!status.IsLeader || status.Term != term)
            {
                return;
            }

            _servers.Clear();
            _locations.Clear();
            _lengths.Clear();
            _leases.Clear();
            _versionBumpedAt.Clear();
            _blocked.Clear();
            _reportedLost.Clear();
            _pendingDeletes.Clear();
            _rollForward.Clear();
            Volatile.Write(ref _leaderSince, _time.GetTimestamp());
            _activation = new Activation(term, result.Version, heldLock, session);
        }

        Log.MasterActing(_logger, Node.Id, result.Version, term, heldLock?.LockGeneration ?? 0);
    }

    private bool IsActivatedIn(ulong term)
    {
        lock (_gate)
        {
            return _activation is { } activation && activation.Term == term;
        }
    }

    private void Deactivate()
    {
        lock (_gate)
        {
            _activation = null;
            _leases.Clear();
        }
    }

    /// <summary>Hands Raft leadership to the next voter (by id, after this node's), which then takes the lock and over.</summary>
    private async Task HandOverAsync(RaftNodeStatus status)
    {
        var others = status.Configuration.Voters.Where(v => v != Node.Id).OrderBy(v => v.Value).ToList();
        if (others.Count == 0)
        {
            return;
        }

        var target = others.FirstOrDefault(v => v.Value > Node.Id.Value, others[0]);
        Log.HandingOver(_logger, Node.Id, target);
        try
        {
            await Node.TransferLeadershipAsync(target);
        }
        catch (Exception exception) when (exception is TimeoutException or NotLeaderException or ProposalRejectedException or ObjectDisposedException or InvalidOperationException)
        {
            // The target could not take over; this node campaigns for the lock again itself.
        }
    }

    /// <summary>Empties the lock file and releases the lock (no lock-delay): the node no longer leads the Raft group.</summary>
    private async Task ReleaseMasterLockAsync(MasterLock masterLock, CancellationToken cancellationToken = default)
    {
        Deactivate();
        var handle = _lockHandle;
        _heldLock = null;
        _heldSession = null;
        if (handle is null)
        {
            return;
        }

        try
        {
            await handle.SetContentsAsync(ReadOnlyMemory<byte>.Empty, null, cancellationToken);
            await handle.ReleaseAsync(cancellationToken);
            Log.MasterLockReleased(_logger, Node.Id, masterLock.Path);
        }
        catch (ChubbyException exception) when (exception.Code is ChubbyErrorCode.LockNotHeld or ChubbyErrorCode.HandleInvalid)
        {
            // Already gone.
        }
    }

    /// <summary>The handle on the lock file in <paramref name="session"/>, creating the file and its directories if needed.</summary>
    private async Task<ChubbyHandle> LockHandleAsync(MasterLock masterLock, ChubbyClient session)
    {
        if (_lockHandle is { } existing && ReferenceEquals(_lockHandleSession, session) && Volatile.Read(ref _lockInvalid) == 0)
        {
            return existing;
        }

        await ForgetLockHandleAsync();
        var directories = new List<string>();
        for (var parent = ChubbyPath.Parent(masterLock.Path); parent is not null && parent.Count(c => c == '/') > 2; parent = ChubbyPath.Parent(parent))
        {
            directories.Add(parent);
        }

        foreach (var directory in Enumerable.Reverse(directories))
        {
            await using var created = await session.OpenAsync(directory, OpenFlags.Create | OpenFlags.Directory);
        }

        var handle = await session.OpenAsync(masterLock.Path, OpenFlags.Create);
        if (!ReferenceEquals(_lockHandleSession, session))
        {
            session.EventRaised += OnChubbyEvent;
        }

        _lockHandle = handle;
        _lockHandleSession = session;
        Volatile.Write(ref _lockInvalid, 0);
        return handle;
    }

    private async Task ForgetLockHandleAsync()
    {
        var handle = _lockHandle;
        _lockHandle = null;
        if (_lockHandleSession is { } session)
        {
            session.EventRaised -= OnChubbyEvent;
            _lockHandleSession = null;
        }

        if (handle is not null)
        {
            try
            {
                await handle.DisposeAsync();
            }
            catch (ChubbyException)
            {
                // The handle dies with the session anyway.
            }
        }
    }

    private void OnChubbyEvent(object? sender, ChubbyEventArgs e)
    {
        if (e.Kind == ChubbyEventKind.HandleInvalid && _masterLock is not null && e.Path == _masterLock.Path)
        {
            // Deleting the file ends the lock: another node could create it afresh and take it.
            Volatile.Write(ref _lockInvalid, 1);
            _leadershipTimer?.Change(TimeSpan.Zero, _options.LeadershipCheckInterval);
        }
    }

    /// <summary>One take-over: the Raft term, the epoch logged for it, and with Chubby the lock and the session holding it.</summary>
    private sealed record Activation(ulong Term, ulong Epoch, Sequencer? Lock, ChubbyClient? Session);
}
