using Cluster.Core;

namespace Raft.Core;

public sealed partial class RaftCore
{
    private enum CampaignKind
    {
        PreElection,
        Election,
        Transfer,
    }

    /// <summary>
    /// Makes a leader give up leadership in its current term and become a follower (no-op in other roles). The host calls this
    /// when it can no longer keep the leader's promises, for example when its own disk has stalled longer than an election timeout:
    /// followers then elect another leader, while this node's heartbeats, were they still sent, would have kept them waiting.
    /// </summary>
    public void StepDown()
    {
        if (Role == RaftRole.Leader)
        {
            BecomeFollower(Term, NodeId.None);
        }

        CheckInvariants();
    }

    /// <summary>Starts an election now (with a PreVote round when enabled), as if the election timeout had elapsed.</summary>
    /// <remarks>Does nothing on a leader, on a node that is not a voter, or while a configuration change is committed but unapplied.</remarks>
    public void Campaign()
    {
        if (Role != RaftRole.Leader)
        {
            StartCampaign(_options.PreVote ? CampaignKind.PreElection : CampaignKind.Election);
        }

        CheckInvariants();
    }

    private void TickElection()
    {
        _electionElapsed++;
        if (IsPromotable && _electionElapsed >= _randomizedElectionTimeout)
        {
            // Raft §5.2: a follower that hears nothing for an election timeout starts an election.
            _electionElapsed = 0;
            StartCampaign(_options.PreVote ? CampaignKind.PreElection : CampaignKind.Election);
        }
    }

    private void TickHeartbeat()
    {
        _heartbeatElapsed++;
        _electionElapsed++;
        if (_electionElapsed >= _options.ElectionTimeoutTicks)
        {
            _electionElapsed = 0;
            if (_options.CheckQuorum && !_tracker.QuorumActive(Id))
            {
                // Raft thesis §6.2: a leader that cannot reach a quorum steps down, so clients look elsewhere.
                BecomeFollower(Term, NodeId.None);
                return;
            }

            // Raft thesis §3.10: a transfer that did not finish within an election timeout is abandoned.
            AbandonLeaderTransfer();
        }

        RetryLostSnapshots();
        if (_heartbeatElapsed >= _options.HeartbeatIntervalTicks)
        {
            _heartbeatElapsed = 0;
            BroadcastHeartbeat(_readIndexQueue.LastContext);
        }
    }

    private void StartCampaign(CampaignKind kind)
    {
        if (!IsPromotable || HasUnappliedConfigChange())
        {
            // Raft thesis §4.1: a node must use the latest configuration it has; it cannot campaign while one is committed but unapplied.
            return;
        }

        ulong voteTerm;
        MessageType type;
        if (kind == CampaignKind.PreElection)
        {
            BecomePreCandidate();
            voteTerm = Term + 1;
            type = MessageType.PreVote;
        }
        else
        {
            BecomeCandidate();
            voteTerm = Term;
            type = MessageType.Vote;
        }

        _tracker.RecordVote(Id, true);
        if (_tracker.TallyVotes() == VoteResult.Won)
        {
            // A single-voter cluster wins at once.
            WinElection();
            return;
        }

        foreach (var id in _tracker.Configuration.AllMembers())
        {
            if (id == Id || !_tracker.IsVoter(id))
            {
                continue;
            }

            Send(new RaftMessage
            {
                From = Id,
                Type = type,
                To = id,
                Term = voteTerm,
                Index = _log.LastIndex,
                LogTerm = _log.LastTerm,
                LeaderTransfer = kind == CampaignKind.Transfer,
            });
        }
    }

    private void WinElection()
    {
        if (Role == RaftRole.PreCandidate)
        {
            StartCampaign(CampaignKind.Election);
        }
        else
        {
            BecomeLeader();
        }
    }

    private bool HasUnappliedConfigChange()
    {
        if (_log.Committed <= _log.Applied)
        {
            return false;
        }

        var low = Math.Max(_log.Applied + 1, _log.FirstIndex);
        return !_log.TrySlice(low, _log.Committed + 1, long.MaxValue, out var entries)
            || entries.Any(e => e.Kind == EntryKind.ConfigChange);
    }

    private void Reset(ulong term)
    {
        if (Term != term)
        {
            Term = term;
            Vote = NodeId.None;
        }

        Leader = NodeId.None;
        _electionElapsed = 0;
        _heartbeatElapsed = 0;
        _randomizedElectionTimeout = _options.ElectionTimeoutTicks + _random.Next(_options.ElectionTimeoutTicks);
        LeadTransferee = NodeId.None;
        _tracker.ResetVotes();
        _tracker.ResetProgress(_log.LastIndex, Id);
        _pendingConfigIndex = 0;
        _uncommittedBytes = 0;
        _pendingBroadcast = false;
        _readIndexQueue.Clear();
        _readsAwaitingCommit.Clear();
        _leaseRevoked = false;
    }

    private void BecomeFollower(ulong term, NodeId leader)
    {
        Reset(term);
        Leader = leader;
        Role = RaftRole.Follower;
    }

    private void BecomePreCandidate()
    {
        // PreVote changes neither term nor vote (Raft thesis §9.6), so a failed round leaves no trace.
        _tracker.ResetVotes();
        Leader = NodeId.None;
        Role = RaftRole.PreCandidate;
    }

    private void BecomeCandidate()
    {
        // Raft §5.2: increment the term and vote for yourself.
        Reset(Term + 1);
        Vote = Id;
        Role = RaftRole.Candidate;
    }

    private void BecomeLeader()
    {
        Invariant.Holds(Role == RaftRole.Candidate, "only a candidate becomes leader");
        Reset(Term);
        Leader = Id;
        Role = RaftRole.Leader;
        if (_tracker.Progress.TryGetValue(Id, out var self))
        {
            self.BecomeReplicate();
            self.RecentActive = true;
        }

        // An unapplied configuration change may sit in the log; refuse new ones until everything up to here is applied.
        _pendingConfigIndex = _log.LastIndex;

        // Raft §5.4.2 and §8: commit a no-op of the new term, which commits everything before it.
        AppendEntry(EntryKind.NoOp, default);
        BroadcastAppend();
    }

    private void StepInternal(RaftMessage m)
    {
        if (m.Term > Term)
        {
            if (m.Type is MessageType.Vote or MessageType.PreVote)
            {
                // Raft thesis §4.2.3: a node that heard from a live leader within the minimum election timeout ignores
                // vote requests, so a removed or partitioned node cannot disrupt the cluster. A leadership transfer overrides.
                var inLease = _options.CheckQuorum && !Leader.IsNone && _electionElapsed < _options.ElectionTimeoutTicks;

                // With lease reads, a node that just started may have acknowledged a lease it no longer remembers.
                inLease |= _options.ReadOnlyMode == ReadOnlyMode.LeaseBased && _tickCount < (ulong)_options.ElectionTimeoutTicks;
                if (inLease && !m.LeaderTransfer)
                {
                    return;
                }
            }

            if (m.Type == MessageType.PreVote || (m.Type == MessageType.PreVoteResponse && !m.Reject))
            {
                // A PreVote carries the term the sender would use; it changes nobody's term.
            }
            else
            {
                // Raft §5.1: a larger term always wins.
                var leader = m.Type is MessageType.Append or MessageType.Heartbeat or MessageType.InstallSnapshot ? m.From : NodeId.None;
                BecomeFollower(m.Term, leader);
            }
        }
        else if (m.Term < Term)
        {
            if ((_options.CheckQuorum || _options.PreVote) && m.Type is MessageType.Append or MessageType.Heartbeat)
            {
                // A stale leader may be stuck behind stickiness or PreVote; tell it the current term so it steps down.
                Send(new RaftMessage { From = Id, Type = MessageType.AppendResponse, To = m.From, Term = Term });
            }
            else if (m.Type == MessageType.PreVote)
            {
                Send(new RaftMessage { From = Id, Type = MessageType.PreVoteResponse, To = m.From, Term = Term, Reject = true });
            }

            // Raft §5.1: requests with a stale term are rejected, responses ignored.
            return;
        }

        if (m.Type is MessageType.Vote or MessageType.PreVote)
        {
            HandleVoteRequest(m);
            return;
        }

        switch (Role)
        {
            case RaftRole.Leader:
                StepLeader(m);
                break;
            case RaftRole.Candidate or RaftRole.PreCandidate:
                StepCandidate(m);
                break;
            default:
                StepFollower(m);
                break;
        }
    }

    private void HandleVoteRequest(RaftMessage m)
    {
        var responseType = m.Type == MessageType.Vote ? MessageType.VoteResponse : MessageType.PreVoteResponse;

        // Raft §5.2: one vote per term, first come first served; a PreVote for a future term may always be granted.
        var canVote = Vote == m.From
            || (Vote.IsNone && Leader.IsNone)
            || (m.Type == MessageType.PreVote && m.Term > Term);

        // Raft §5.4.1: only vote for a candidate whose log is at least as up to date as ours.
        if (canVote && _log.IsUpToDate(m.Index, m.LogTerm))
        {
            Send(new RaftMessage { From = Id, Type = responseType, To = m.From, Term = m.Term });
            if (m.Type == MessageType.Vote)
            {
                _electionElapsed = 0;
                Vote = m.From;
            }
        }
        else
        {
            Send(new RaftMessage { From = Id, Type = responseType, To = m.From, Term = Term, Reject = true });
        }
    }

    private void StepCandidate(RaftMessage m)
    {
        switch (m.Type)
        {
            case MessageType.Append or MessageType.Heartbeat or MessageType.InstallSnapshot:
                // Raft §5.2: a candidate that hears from a leader of its term returns to follower.
                BecomeFollower(Term, m.From);
                StepFollower(m);
                break;
            case MessageType.PreVoteResponse or MessageType.VoteResponse:
                var expected = Role == RaftRole.PreCandidate ? MessageType.PreVoteResponse : MessageType.VoteResponse;
                if (m.Type != expected)
                {
                    return;
                }

                _tracker.RecordVote(m.From, !m.Reject);
                switch (_tracker.TallyVotes())
                {
                    case VoteResult.Won:
                        WinElection();
                        break;
                    case VoteResult.Lost:
                        BecomeFollower(Term, NodeId.None);
                        break;
                }

                break;
        }
    }

    private void StepFollower(RaftMessage m)
    {
        switch (m.Type)
        {
            case MessageType.Append:
                _electionElapsed = 0;
                Leader = m.From;
                HandleAppend(m);
                break;
            case MessageType.Heartbeat:
                _electionElapsed = 0;
                Leader = m.From;
                HandleHeartbeat(m);
                break;
            case MessageType.InstallSnapshot:
                _electionElapsed = 0;
                Leader = m.From;
                HandleInstallSnapshot(m);
                break;
            case MessageType.TimeoutNow:
                // Raft thesis §3.10: the leader asks us to take over; skip PreVote, our log is known to be up to date.
                StartCampaign(CampaignKind.Transfer);
                break;
            case MessageType.ReadIndexResponse:
                _readStates.Add(new ReadState(m.Index, m.Context));
                break;
        }
    }

    private void StepLeader(RaftMessage m)
    {
        // Checked before the message is formatted: this runs for every message a leader receives.
        if (m.Type is MessageType.Append or MessageType.Heartbeat or MessageType.InstallSnapshot)
        {
            Invariant.Fail($"two leaders in term {Term}: {Id} and {m.From} (Raft §5.2 election safety)");
        }
        if (m.Type == MessageType.ReadIndex)
        {
            HandleReadIndexRequest(m.From, m.Context, throwOnReject: false);
            return;
        }

        if (!_tracker.Progress.TryGetValue(m.From, out var progress))
        {
            return;
        }

        switch (m.Type)
        {
            case MessageType.AppendResponse:
                HandleAppendResponse(m, progress);
                break;
            case MessageType.HeartbeatResponse:
                HandleHeartbeatResponse(m, progress);
                break;
            case MessageType.InstallSnapshotResponse:
                HandleInstallSnapshotResponse(m, progress);
                break;
        }
    }
}
