using System.Buffers;
using Cluster.Core;

namespace Raft.Core;

public sealed partial class RaftCore
{
    private long _uncommittedBytes;
    private bool _pendingBroadcast;
    private SnapshotMetadata? _incomingSnapshot;
    private ArrayBufferWriter<byte>? _incomingSnapshotData;

    /// <summary>Appends a command to the leader's log; it is replicated with the next <see cref="GetReady"/>.</summary>
    /// <returns>The index the command will have if it commits.</returns>
    /// <exception cref="NotLeaderException">This node is not the leader.</exception>
    /// <exception cref="ProposalTooLargeException">The command is larger than <see cref="RaftOptions.MaxSizePerMessageBytes"/>.</exception>
    /// <exception cref="ProposalRejectedException">A leadership transfer is in progress, or uncommitted entries reached their limit.</exception>
    /// <remarks>Proposals made between two <see cref="GetReady"/> calls go out together, so the host batches by calling it less often.</remarks>
    public ulong Propose(ReadOnlyMemory<byte> command)
    {
        EnsureCanPropose(command.Length);
        var index = AppendEntry(EntryKind.Normal, command);
        CheckInvariants();
        return index;
    }

    private void EnsureCanPropose(long sizeBytes)
    {
        if (Role != RaftRole.Leader)
        {
            throw new NotLeaderException(Leader);
        }

        if (sizeBytes > _options.MaxSizePerMessageBytes)
        {
            throw new ProposalTooLargeException(sizeBytes, _options.MaxSizePerMessageBytes);
        }

        if (!LeadTransferee.IsNone)
        {
            throw new ProposalRejectedException(ProposalRejectionReason.LeadershipTransferInProgress,
                $"Leadership is being transferred to {LeadTransferee}; retry on the new leader.");
        }

        // A single entry is always accepted when nothing is uncommitted, so one large entry cannot block the log forever.
        if (_uncommittedBytes > 0 && _uncommittedBytes + sizeBytes + LogEntry.OverheadBytes > _options.MaxUncommittedEntriesBytes)
        {
            throw new ProposalRejectedException(ProposalRejectionReason.UncommittedLimitReached,
                $"{_uncommittedBytes} bytes are uncommitted, reaching RaftOptions.MaxUncommittedEntriesBytes ({_options.MaxUncommittedEntriesBytes}); retry when entries commit.");
        }
    }

    /// <summary>Appends an entry to the leader's own log in its term at the next index; returns that index.</summary>
    private ulong AppendEntry(EntryKind kind, ReadOnlyMemory<byte> data)
    {
        var entry = new LogEntry { Term = Term, Index = _log.LastIndex + 1, Kind = kind, Data = data };
        _uncommittedBytes += kind == EntryKind.Normal ? entry.SizeBytes : 0;
        var last = _log.Append(entry);
        if (_tracker.Progress.TryGetValue(Id, out var self))
        {
            self.MaybeUpdate(last);
        }

        // A single-voter cluster commits at once; others commit when followers acknowledge.
        MaybeCommit();
        _pendingBroadcast = true;
        return last;
    }

    private void BroadcastAppend()
    {
        _pendingBroadcast = false;
        foreach (var (id, _) in _tracker.Progress)
        {
            if (id != Id)
            {
                MaybeSendAppend(id, sendIfEmpty: true);
            }
        }
    }

    private void BroadcastHeartbeat(ReadOnlyMemory<byte> context)
    {
        foreach (var (id, progress) in _tracker.Progress)
        {
            if (id == Id)
            {
                continue;
            }

            // The commit index is capped at what the follower holds, since it may not have the leader's later entries yet.
            Send(new RaftMessage
            {
                From = Id,
                Type = MessageType.Heartbeat,
                To = id,
                Term = Term,
                Commit = Math.Min(progress.Match, _log.Committed),
                Context = context,
                LeaseTick = _tickCount,
            });
        }
    }

    /// <summary>Sends the follower what it needs next, if flow control allows; returns whether a message went out.</summary>
    private bool MaybeSendAppend(NodeId to, bool sendIfEmpty)
    {
        var progress = _tracker.Progress[to];
        if (progress.IsPaused)
        {
            return false;
        }

        var previousIndex = progress.Next - 1;
        if (!_log.TryTerm(previousIndex, out var previousTerm)
            || !_log.TrySlice(progress.Next, _log.LastIndex + 1, _options.MaxSizePerMessageBytes, out var entries))
        {
            // Raft §7: the entries the follower needs are compacted, so it gets the snapshot instead.
            return MaybeSendSnapshot(to, progress);
        }

        if (entries.Count == 0 && !sendIfEmpty)
        {
            return false;
        }

        if (entries.Count > 0 && progress.State == ProgressState.Replicate)
        {
            // Pipelining: assume success and move on; a rejection moves Next back.
            var lastSent = entries[^1].Index;
            progress.Next = lastSent + 1;
            long bytes = 0;
            for (var i = 0; i < entries.Count; i++)
            {
                bytes += entries[i].SizeBytes;
            }

            progress.Inflights.Add(lastSent, bytes);
        }
        else if (progress.State == ProgressState.Probe)
        {
            progress.ProbeSent = true;
        }

        Send(new RaftMessage
        {
            From = Id,
            Type = MessageType.Append,
            To = to,
            Term = Term,
            Index = previousIndex,
            LogTerm = previousTerm,
            Entries = entries,
            Commit = _log.Committed,
        });
        return true;
    }

    private bool MaybeSendSnapshot(NodeId to, Progress progress)
    {
        if (!progress.RecentActive)
        {
            // Snapshots are expensive; only send one to a follower that has answered recently.
            return false;
        }

        var snapshot = _log.Snapshot;
        Invariant.Holds(snapshot.Index > 0, "entries were compacted but storage holds no snapshot");
        progress.BecomeSnapshot(snapshot.Index);

        // The core sends the snapshot as one chunk; a host may split it into several with the same metadata and increasing offsets.
        Send(new RaftMessage
        {
            From = Id,
            Type = MessageType.InstallSnapshot,
            To = to,
            Term = Term,
            Snapshot = snapshot.Metadata,
            SnapshotOffset = 0,
            SnapshotData = snapshot.Data,
            SnapshotDone = true,
        });
        return true;
    }

    private void HandleAppend(RaftMessage m)
    {
        if (m.Index < _log.Committed)
        {
            // Everything up to our commit index already matches the leader (Raft §5.4 log matching).
            Send(new RaftMessage { From = Id, Type = MessageType.AppendResponse, To = m.From, Term = Term, Index = _log.Committed });
            return;
        }

        if (_log.TryAppend(m.Index, m.LogTerm, m.Commit, m.Entries, out var lastNewIndex))
        {
            Send(new RaftMessage { From = Id, Type = MessageType.AppendResponse, To = m.From, Term = Term, Index = lastNewIndex });
            return;
        }

        // Raft §5.3 consistency check failed. Tell the leader where our log diverges so it skips a whole term per round trip.
        ulong conflictTerm = 0, conflictIndex;
        if (m.Index > _log.LastIndex)
        {
            conflictIndex = _log.LastIndex + 1;
        }
        else
        {
            conflictTerm = _log.Term(m.Index);
            conflictIndex = Math.Max(_log.FirstIndexOfTerm(m.Index), _log.Committed + 1);
        }

        Send(new RaftMessage
        {
            From = Id,
            Type = MessageType.AppendResponse,
            To = m.From,
            Term = Term,
            Index = m.Index,
            Reject = true,
            ConflictTerm = conflictTerm,
            ConflictIndex = conflictIndex,
        });
    }

    private void HandleHeartbeat(RaftMessage m)
    {
        _log.CommitTo(m.Commit);
        Send(new RaftMessage { From = Id, Type = MessageType.HeartbeatResponse, To = m.From, Term = Term, Context = m.Context, LeaseTick = m.LeaseTick });
    }

    private void HandleInstallSnapshot(RaftMessage m)
    {
        if (m.Snapshot is null)
        {
            return;
        }

        // Reassemble chunks split by the host; a chunk that does not continue the current snapshot restarts or is dropped.
        if (m.SnapshotOffset == 0)
        {
            _incomingSnapshot = m.Snapshot;
            _incomingSnapshotData = new ArrayBufferWriter<byte>();
        }
        else if (_incomingSnapshot != m.Snapshot || _incomingSnapshotData is null || (ulong)_incomingSnapshotData.WrittenCount != m.SnapshotOffset)
        {
            return;
        }

        _incomingSnapshotData!.Write(m.SnapshotData.Span);
        if (!m.SnapshotDone)
        {
            return;
        }

        var snapshot = new Snapshot(_incomingSnapshot!, _incomingSnapshotData.WrittenMemory.ToArray());
        _incomingSnapshot = null;
        _incomingSnapshotData = null;
        var index = Restore(snapshot) ? _log.LastIndex : _log.Committed;
        Send(new RaftMessage { From = Id, Type = MessageType.InstallSnapshotResponse, To = m.From, Term = Term, Index = index });
    }

    /// <summary>Installs a snapshot from the leader unless our log already covers it; returns whether it was installed.</summary>
    private bool Restore(Snapshot snapshot)
    {
        if (snapshot.Index <= _log.Committed)
        {
            return false;
        }

        if (_log.MatchTerm(snapshot.Index, snapshot.Term))
        {
            // Our log already has the snapshot's last entry, so it has everything before it (Raft §5.3 log matching).
            _log.CommitTo(snapshot.Index);
            return false;
        }

        _log.Restore(snapshot);
        _tracker.SetConfiguration(snapshot.Metadata.Configuration, _log.LastIndex);
        _tracker.ResetProgress(_log.LastIndex, Id);
        return true;
    }

    private void HandleAppendResponse(RaftMessage m, Progress progress)
    {
        progress.RecentActive = true;
        if (m.Reject)
        {
            if (progress.MaybeDecreaseTo(m.Index, NextProbeIndex(m)))
            {
                if (progress.State == ProgressState.Replicate)
                {
                    progress.BecomeProbe();
                }

                MaybeSendAppend(m.From, sendIfEmpty: true);
            }

            return;
        }

        var wasPaused = progress.IsPaused;
        if (!progress.MaybeUpdate(m.Index))
        {
            return;
        }

        switch (progress.State)
        {
            case ProgressState.Probe:
                progress.BecomeReplicate();
                break;
            case ProgressState.Snapshot when progress.Match + 1 >= _log.FirstIndex:
                progress.BecomeProbe();
                progress.BecomeReplicate();
                break;
            case ProgressState.Replicate:
                progress.Inflights.FreeTo(m.Index);
                break;
        }

        if (MaybeCommit())
        {
            // The new commit index goes out with the next Ready's broadcast, together with whatever was proposed meanwhile,
            // instead of as one extra empty Append per follower and acknowledgement.
            _pendingBroadcast = true;
        }
        else if (wasPaused)
        {
            MaybeSendAppend(m.From, sendIfEmpty: true);
        }

        // Keep the pipeline full: send until the window closes or nothing is left.
        while (MaybeSendAppend(m.From, sendIfEmpty: false))
        {
        }

        if (m.From == LeadTransferee && progress.Match == _log.LastIndex)
        {
            SendTimeoutNow(m.From);
        }

        MaybePromoteLearner(m.From, progress);
    }

    /// <summary>The next index to probe after a rejection, from the follower's conflict hint.</summary>
    private ulong NextProbeIndex(RaftMessage m)
    {
        if (m.ConflictTerm == 0)
        {
            // The follower's log is shorter than the probe.
            return m.ConflictIndex;
        }

        // If we have entries of the conflicting term, the follower may match up to our last one; otherwise skip the whole term.
        var lastOfTerm = _log.LastIndexOfTerm(m.ConflictTerm, m.Index);
        return lastOfTerm > 0 ? lastOfTerm + 1 : m.ConflictIndex;
    }

    private void HandleHeartbeatResponse(RaftMessage m, Progress progress)
    {
        progress.RecentActive = true;
        progress.ProbeSent = false;
        progress.LeaseAckTick = Math.Max(progress.LeaseAckTick, m.LeaseTick);

        // A full window may be full of lost messages; free one slot per heartbeat round so replication cannot stall forever.
        if (progress.State == ProgressState.Replicate && progress.Inflights.IsFull)
        {
            progress.Inflights.FreeFirst();
        }

        if (progress.Match < _log.LastIndex)
        {
            MaybeSendAppend(m.From, sendIfEmpty: true);
        }

        if (!m.Context.IsEmpty)
        {
            AcknowledgeRead(m.From, m.Context);
        }
    }

    private void HandleInstallSnapshotResponse(RaftMessage m, Progress progress)
    {
        progress.RecentActive = true;
        if (progress.State != ProgressState.Snapshot)
        {
            return;
        }

        progress.MaybeUpdate(m.Index);
        progress.BecomeProbe();
        MaybeSendAppend(m.From, sendIfEmpty: true);
    }

    /// <summary>Advances the commit index to what a quorum holds, but only through an entry of the current term (Raft §5.4.2, Figure 8).</summary>
    private bool MaybeCommit()
    {
        var candidate = _tracker.CommittedIndex();
        if (candidate <= _log.Committed || _log.Term(candidate) != Term)
        {
            return false;
        }

        var firstInTerm = _log.Term(_log.Committed) != Term;
        _log.CommitTo(candidate);
        if (firstInTerm)
        {
            ReleaseReadsAwaitingCommit();
        }

        return true;
    }

    /// <summary>A snapshot (or its response) may be lost without the host noticing; after a while, start over from a probe.</summary>
    private void RetryLostSnapshots()
    {
        foreach (var progress in _tracker.Progress.Values)
        {
            if (progress.State == ProgressState.Snapshot && ++progress.SnapshotElapsedTicks >= _options.SnapshotRetryTicks)
            {
                progress.PendingSnapshot = 0;
                progress.BecomeProbe();
            }
        }
    }

    /// <summary>Tells the leader that sending to <paramref name="id"/> failed, so it stops pipelining and probes instead.</summary>
    public void ReportUnreachable(NodeId id)
    {
        if (Role == RaftRole.Leader && _tracker.Progress.TryGetValue(id, out var progress) && progress.State == ProgressState.Replicate)
        {
            progress.BecomeProbe();
        }
    }

    /// <summary>Tells the leader whether sending a snapshot to <paramref name="id"/> succeeded; on failure it will retry.</summary>
    public void ReportSnapshot(NodeId id, bool succeeded)
    {
        if (Role != RaftRole.Leader || !_tracker.Progress.TryGetValue(id, out var progress) || progress.State != ProgressState.Snapshot)
        {
            return;
        }

        if (!succeeded)
        {
            progress.PendingSnapshot = 0;
        }

        // Wait for the next heartbeat response before probing, as the follower may still be installing it.
        progress.BecomeProbe();
        progress.ProbeSent = true;
    }
}
