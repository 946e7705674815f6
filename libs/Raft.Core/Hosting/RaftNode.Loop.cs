using Cluster.Core;

namespace Raft.Core;

public sealed partial class RaftNode
{
    private const int MaxInputsPerRound = 4096;

    private readonly List<TransferWaiter> _transferWaiters = [];
    private readonly Dictionary<NodeId, CancellationTokenSource> _outgoingSnapshots = [];
    private int _inboxMessages;
    private int _pendingTicks;
    private long _ticks;
    private long _startTimestamp;
    private long _persistStartedTimestamp;
    private int _stalledStepDown;
    private SoftState _lastSoftState;
    private ulong _lastTerm;
    private SnapshotMetadata? _compactionCandidate;

    private async Task RunLoopAsync()
    {
        var reader = _inbox.Reader;
        try
        {
            // No token: stopping completes the inbox, and a wait with a token that can be cancelled allocates every time.
            while (await reader.WaitToReadAsync())
            {
                if (Interlocked.Exchange(ref _stalledStepDown, 0) == 1)
                {
                    _core.StepDown();
                }

                for (var handled = 0; handled < MaxInputsPerRound && reader.TryRead(out var input); handled++)
                {
                    await HandleAsync(input);
                }

                while (_core.HasReady)
                {
                    await ProcessReadyAsync(_core.GetReady());
                }

                PublishStatus();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            Fault(exception);
        }
    }

    private async ValueTask HandleAsync(object input)
    {
        // Time first: a node that was paused (a long GC, a stopped VM) must see every tick that passed before it serves a
        // read under a lease or answers a vote, or its lease would outlive the others' election timeouts.
        CatchUpTicks();
        switch (input)
        {
            case Input.Tick:
                Interlocked.Exchange(ref _pendingTicks, 0);
                break;
            case RaftMessage message:
                Interlocked.Decrement(ref _inboxMessages);
                _core.Step(message);
                break;
            case CommandProposal command:
                HandlePropose(command.Data, command.Task.IsCompleted, command);
                break;
            case Input.Propose propose:
                HandlePropose(propose.Data, propose.Completion.Task.IsCompleted, propose.Completion);
                break;
            case Input.ChangeMembership change:
                HandleChangeMembership(change);
                break;
            case Input.Read read:
                HandleRead(read.Id);
                break;
            case Input.TransferLeadership transfer:
                HandleTransfer(transfer);
                break;
            case Input.SnapshotTaken taken:
                await CompactAsync(taken.Metadata);
                break;
            case Input.SnapshotReceived received:
                _core.Step(new RaftMessage
                {
                    Type = MessageType.InstallSnapshot,
                    From = received.From,
                    To = Id,
                    Term = received.Term,
                    Snapshot = received.Metadata,
                    SnapshotDone = true,
                });
                break;
            case Input.SnapshotTransferEnded ended:
                _outgoingSnapshots.Remove(ended.To);
                _core.ReportSnapshot(ended.To, ended.Succeeded);
                break;
        }
    }

    private void HandlePropose(ReadOnlyMemory<byte> data, bool cancelled, IPendingCompletion completion)
    {
        if (cancelled)
        {
            return; // cancelled before it reached the loop
        }

        try
        {
            var index = _core.Propose(data);
            AddPending(index, _core.Term, completion);
        }
        catch (Exception exception) when (exception is NotLeaderException or ProposalRejectedException or ProposalTooLargeException)
        {
            completion.Fail(exception);
        }
    }

    private void HandleChangeMembership(Input.ChangeMembership change)
    {
        try
        {
            var index = _core.ProposeConfigChange(change.Change);
            AddPending(index, _core.Term, change.Completion);
        }
        catch (Exception exception) when (exception is NotLeaderException or ProposalRejectedException or ArgumentException)
        {
            change.Completion.Fail(exception);
        }
    }

    private void HandleRead(ulong id)
    {
        PendingRead? read;
        lock (_pendingGate)
        {
            if (!_pendingReads.TryGetValue(id, out read))
            {
                return;
            }

            read.StartedTick = _ticks;
            read.AskedLeader = _core.Leader;
        }

        try
        {
            _core.ReadIndex(EncodeReadContext(id));
        }
        catch (Exception exception) when (exception is NotLeaderException or ProposalRejectedException)
        {
            TakeRead(id)?.Completion.TrySetException(exception);
        }
    }

    private void HandleTransfer(Input.TransferLeadership transfer)
    {
        try
        {
            _core.TransferLeadership(transfer.Target);
            if (_core.Leader == transfer.Target)
            {
                transfer.Completion.TrySetResult(true);
                return;
            }

            _transferWaiters.Add(new TransferWaiter(transfer.Target, _ticks + (2L * _options.Raft.ElectionTimeoutTicks), transfer.Completion));
        }
        catch (Exception exception) when (exception is NotLeaderException or ArgumentException)
        {
            transfer.Completion.TrySetException(exception);
        }
    }

    /// <summary>
    /// Ticks the core once per <see cref="RaftNodeOptions.TickInterval"/> of elapsed time, however many timer callbacks ran:
    /// the timer only wakes the loop. After a gap longer than two election timeouts the rest is skipped, since by then every
    /// timeout and lease has run out anyway.
    /// </summary>
    private void CatchUpTicks()
    {
        var due = (long)(_time.GetElapsedTime(_startTimestamp) / _options.TickInterval);
        if (due <= _ticks)
        {
            return;
        }

        var count = Math.Min(due - _ticks, 2L * _options.Raft.ElectionTimeoutTicks);
        for (var i = 0; i < count; i++)
        {
            _core.Tick();
        }

        _ticks = due;
        OnTicksElapsed();
    }

    private void OnTicksElapsed()
    {

        // A read that is neither confirmed nor failed after two election timeouts was lost with a message or a leader.
        var deadline = _ticks - (2L * _options.Raft.ElectionTimeoutTicks);
        FailReads(
            () => new TimeoutException("The read was not confirmed by a leader within two election timeouts; retry."),
            read => !read.Confirmed && read.StartedTick != 0 && read.StartedTick < deadline);
        for (var i = _transferWaiters.Count - 1; i >= 0; i--)
        {
            if (_transferWaiters[i].DeadlineTick <= _ticks)
            {
                _transferWaiters[i].Completion.TrySetException(new TimeoutException($"{_transferWaiters[i].Target} did not take over leadership within two election timeouts."));
                _transferWaiters.RemoveAt(i);
            }
        }
    }

    private async ValueTask ProcessReadyAsync(Ready ready)
    {
        // 0. A leader's Appends promise nothing about its own disk, so they leave before it persists and the followers'
        // fsyncs overlap the leader's (Raft thesis §10.2.1). This is safe here because an entry can only be counted as
        // committed when acknowledgements are stepped in a later round, after this batch's persist has completed.
        var leaderSendsEarly = _core.Role == RaftRole.Leader;
        List<NodeId>? unreachable = null;
        if (leaderSendsEarly)
        {
            SendMessages(ready, early: true, ref unreachable);
        }

        // 1. Persist: snapshot, entries and hard state, with one fsync when the batch needs it.
        if (ready.Snapshot is { } snapshot)
        {
            await _log.InstallSnapshotAsync(snapshot.Metadata, _stopping.Token);
            _compactionCandidate = null;
        }

        if (ready.Entries.Count > 0 || ready.HardState is not null)
        {
            Volatile.Write(ref _persistStartedTimestamp, _time.GetTimestamp());
            try
            {
                await _log.AppendAsync(ready.Entries, ready.HardState, ready.MustSync, _stopping.Token);
            }
            finally
            {
                Volatile.Write(ref _persistStartedTimestamp, 0);
            }
        }

        // 2. Send the rest only now, since votes and acknowledgements promise what was just persisted.
        SendMessages(ready, early: leaderSendsEarly ? false : null, ref unreachable);

        // 3. Hand over what to apply; the apply loop runs at its own pace.
        _core.Advance(ready);
        if (ready.Snapshot is not null)
        {
            _applyQueue.Writer.TryWrite(new ApplyWork.Restore(ready.Snapshot.Metadata));
        }

        if (ready.CommittedEntries.Count > 0)
        {
            _applyQueue.Writer.TryWrite(new ApplyWork.Entries(ready.CommittedEntries, _core.Configuration));
        }

        if (ready.ReadStates.Count > 0)
        {
            foreach (var state in ready.ReadStates)
            {
                MarkReadConfirmed(DecodeReadContext(state.Context));
            }

            _applyQueue.Writer.TryWrite(new ApplyWork.ReadsConfirmed(ready.ReadStates));
        }

        foreach (var peer in unreachable ?? [])
        {
            _core.ReportUnreachable(peer);
        }

        if (ready.SoftState is not null || _core.Term != _lastTerm)
        {
            OnSoftStateChanged(_core.SoftState);
        }
    }

    /// <summary>Sends the batch's messages: <paramref name="early"/> true sends only Appends, false all but Appends, null all.</summary>
    private void SendMessages(Ready ready, bool? early, ref List<NodeId>? unreachable)
    {
        foreach (var message in ready.Messages)
        {
            var isAppend = message.Type == MessageType.Append;
            if (early is { } onlyAppends && onlyAppends != isAppend)
            {
                continue;
            }

            if (message.Type == MessageType.InstallSnapshot)
            {
                StartSnapshotTransfer(message.To, message.Term);
            }
            else if (!TrySend(message) && isAppend)
            {
                (unreachable ??= []).Add(message.To);
            }
        }
    }

    private bool TrySend(RaftMessage message)
    {
        try
        {
            return _bus.Send(message.To, message);
        }
        catch (UnknownPeerException)
        {
            return false;
        }
    }

    private void OnSoftStateChanged(SoftState soft)
    {
        var previous = _lastSoftState;
        _lastSoftState = soft;
        _lastTerm = _core.Term;
        if (previous.Role == RaftRole.Leader && soft.Role != RaftRole.Leader)
        {
            // Proposals in flight may still commit under a later leader, or vanish. Failed in log order, after the entries
            // already handed to the apply loop (a leader that removed itself still completes that change).
            _applyQueue.Writer.TryWrite(new ApplyWork.LeadershipLost(soft.Leader));
        }

        if (previous.Leader != soft.Leader)
        {
            FailReads(() => new NotLeaderException(soft.Leader), read => !read.Confirmed && read.StartedTick != 0);
            for (var i = _transferWaiters.Count - 1; i >= 0; i--)
            {
                if (_transferWaiters[i].Target == soft.Leader)
                {
                    _transferWaiters[i].Completion.TrySetResult(true);
                    _transferWaiters.RemoveAt(i);
                }
            }
        }

        Log.RoleChanged(_logger, Id, soft.Role, _core.Term, soft.Leader);
        PublishStatus();
        try
        {
            RoleChanged?.Invoke(this, new RaftRoleChangedEventArgs(soft.Role, _core.Term, soft.Leader));
        }
        catch (Exception exception)
        {
            Log.EventHandlerFailed(_logger, Id, exception);
        }
    }

    private async ValueTask CompactAsync(SnapshotMetadata taken)
    {
        // Keep one snapshot interval of entries so a follower slightly behind catches up from the log, not a snapshot:
        // compact to the previous snapshot, whose bytes the current one supersedes (a lagging follower gets the current one).
        if (_compactionCandidate is { } candidate && candidate.Index > _log.Snapshot.Index && candidate.Index <= _log.LastIndex)
        {
            await _log.CompactAsync(candidate, _stopping.Token);
        }

        _compactionCandidate = taken;
    }

    private void OnRaftMessage(NodeId from, RaftMessage message)
    {
        if (message.From != from || message.To != Id)
        {
            Log.MessageDropped(_logger, Id, from, $"addressed from {message.From} to {message.To}");
            return;
        }

        if (Interlocked.Increment(ref _inboxMessages) > _options.MaxInboxMessages)
        {
            Interlocked.Decrement(ref _inboxMessages);
            Log.MessageDropped(_logger, Id, from, "inbox full");
            return;
        }

        if (!_inbox.Writer.TryWrite(message))
        {
            Interlocked.Decrement(ref _inboxMessages);
        }
    }

    private void OnTimer()
    {
        if (Interlocked.Increment(ref _pendingTicks) == 1)
        {
            _inbox.Writer.TryWrite(Input.Tick.Instance);
        }

        // Raft needs a leader whose log keeps up: a leader stuck in its own fsync must not hold the cluster behind heartbeats.
        var started = Volatile.Read(ref _persistStartedTimestamp);
        if (started != 0 && Volatile.Read(ref _stalledStepDown) == 0 && PublishedStatus.IsLeader)
        {
            var elapsed = _time.GetElapsedTime(started);
            if (elapsed > _options.ElectionTimeout && Interlocked.CompareExchange(ref _stalledStepDown, 1, 0) == 0)
            {
                Log.DiskStallStepDown(_logger, Id, elapsed);
                lock (_statusGate)
                {
                    _status = _status with { Role = RaftRole.Follower, Leader = NodeId.None };
                }

                FailPending(index => new ProposalOutcomeUnknownException(index, NodeId.None, "the leader's disk stalled and it stepped down"));
                FailReads(() => new NotLeaderException(NodeId.None), read => !read.Confirmed);
            }
        }
    }

    private void PublishStatus()
    {
        var status = CaptureStatus();
        lock (_statusGate)
        {
            _status = Volatile.Read(ref _stalledStepDown) == 1 ? status with { Role = RaftRole.Follower, Leader = NodeId.None } : status;
        }
    }

    private RaftNodeStatus CaptureStatus() => new(
        Id,
        _core.Role,
        _core.Term,
        _core.Leader,
        _core.CommitIndex,
        Volatile.Read(ref _applied),
        _core.LastIndex,
        Math.Max(_log.Snapshot.Index, _snapshots.Current?.Index ?? 0),
        _core.Configuration,
        _fault);

    private sealed record TransferWaiter(NodeId Target, long DeadlineTick, TaskCompletionSource<bool> Completion);
}
