using Cluster.Core;

namespace Raft.Core;

public sealed partial class RaftCore
{
    private readonly ReadIndexQueue _readIndexQueue = new();
    private readonly List<(NodeId From, ReadOnlyMemory<byte> Context)> _readsAwaitingCommit = [];
    private bool _leaseRevoked;

    /// <summary>
    /// Requests a linearizable read. When confirmed, a <see cref="ReadState"/> with the same context appears in a later
    /// <see cref="Ready"/>; serve the read once the applied index reaches its index. A follower forwards the request to its leader.
    /// </summary>
    /// <param name="context">A caller-chosen value, unique among outstanding reads, that identifies the request.</param>
    /// <exception cref="NotLeaderException">This node knows of no leader.</exception>
    /// <exception cref="ProposalRejectedException">Too many reads are already pending.</exception>
    /// <remarks>A request can be lost with a message or a leader change; callers retry after a timeout of their own.</remarks>
    public void ReadIndex(ReadOnlyMemory<byte> context)
    {
        if (Role == RaftRole.Leader)
        {
            HandleReadIndexRequest(Id, context, throwOnReject: true);
        }
        else if (Leader.IsNone)
        {
            throw new NotLeaderException(NodeId.None);
        }
        else
        {
            Send(new RaftMessage { From = Id, Type = MessageType.ReadIndex, To = Leader, Term = Term, Context = context });
        }

        CheckInvariants();
    }

    private void HandleReadIndexRequest(NodeId from, ReadOnlyMemory<byte> context, bool throwOnReject)
    {
        if (_readIndexQueue.Count + _readsAwaitingCommit.Count >= _options.MaxPendingReadRequests)
        {
            if (throwOnReject)
            {
                throw new ProposalRejectedException(ProposalRejectionReason.TooManyPendingReads,
                    $"RaftOptions.MaxPendingReadRequests ({_options.MaxPendingReadRequests}) reads are pending; retry later.");
            }

            return;
        }

        if (_log.Term(_log.Committed) != Term)
        {
            // Raft thesis §6.4 step 1: until an entry of its term commits, a new leader does not know the full commit index.
            _readsAwaitingCommit.Add((from, context));
            return;
        }

        ConfirmRead(from, context);
    }

    private void ConfirmRead(NodeId from, ReadOnlyMemory<byte> context)
    {
        if (_tracker.Configuration.Voters.Count == 1 && _tracker.Configuration.Voters[0] == Id && !_tracker.Configuration.IsJoint)
        {
            RespondToRead(from, _log.Committed, context);
            return;
        }

        if (_options.ReadOnlyMode == ReadOnlyMode.LeaseBased && HoldsLease())
        {
            RespondToRead(from, _log.Committed, context);
            return;
        }

        // Raft thesis §6.4 steps 2-3: remember the commit index, then prove leadership with a heartbeat round.
        _readIndexQueue.Add(_log.Committed, from, context, Id);
        BroadcastHeartbeat(context);
    }

    private void ReleaseReadsAwaitingCommit()
    {
        var waiting = _readsAwaitingCommit.ToList();
        _readsAwaitingCommit.Clear();
        foreach (var (from, context) in waiting)
        {
            ConfirmRead(from, context);
        }
    }

    private void AcknowledgeRead(NodeId from, ReadOnlyMemory<byte> context)
    {
        var released = _readIndexQueue.Acknowledge(context, from, acks => Quorum.JointVote(_tracker.Configuration, id => acks.Contains(id) ? true : null) == VoteResult.Won);
        foreach (var request in released)
        {
            RespondToRead(request.From, request.Index, request.Context);
        }
    }

    private void RespondToRead(NodeId from, ulong index, ReadOnlyMemory<byte> context)
    {
        if (from == Id)
        {
            _readStates.Add(new ReadState(index, context));
        }
        else
        {
            Send(new RaftMessage { From = Id, Type = MessageType.ReadIndexResponse, To = from, Term = Term, Index = index, Context = context });
        }
    }

    /// <summary>
    /// Raft thesis §6.4.1: voters that acknowledged a heartbeat sent at tick t ignore vote requests until an election timeout after
    /// they received it, so no other leader can exist before t + timeout on their clocks; the drift bound covers clock differences.
    /// </summary>
    private bool HoldsLease()
    {
        if (_leaseRevoked)
        {
            // A transfer was started in this term: it deliberately overrides the voters' stickiness, which the lease depends on.
            return false;
        }

        var quorumAckTick = Quorum.JointValue(_tracker.Configuration,
            id => id == Id ? _tickCount : _tracker.Progress.TryGetValue(id, out var p) ? p.LeaseAckTick : 0);
        return quorumAckTick > 0
            && quorumAckTick + (ulong)(_options.ElectionTimeoutTicks - _options.LeaseClockDriftBoundTicks) > _tickCount;
    }
}
