using Cluster.Core;

namespace Raft.Core;

public sealed partial class RaftCore
{
    /// <summary>
    /// Hands leadership to <paramref name="target"/> (Raft thesis §3.10): the leader stops accepting proposals, brings the target's
    /// log up to date and tells it to campaign at once. The transfer is abandoned after an election timeout.
    /// </summary>
    /// <exception cref="NotLeaderException">This node is not the leader.</exception>
    /// <exception cref="ArgumentException">The target is not a voter.</exception>
    public void TransferLeadership(NodeId target)
    {
        if (Role != RaftRole.Leader)
        {
            throw new NotLeaderException(Leader);
        }

        if (target == Id || target == LeadTransferee)
        {
            return;
        }

        if (!_tracker.IsVoter(target))
        {
            throw new ArgumentException($"{target} is not a voter, so it cannot become leader.", nameof(target));
        }

        LeadTransferee = target;
        _electionElapsed = 0;

        // The transferee's campaign overrides stickiness and its vote requests may arrive late, so acknowledgements can no
        // longer support a read lease in this term; reads fall back to a heartbeat round.
        _leaseRevoked = true;
        if (_tracker.Progress[target].Match == _log.LastIndex)
        {
            SendTimeoutNow(target);
        }
        else
        {
            MaybeSendAppend(target, sendIfEmpty: true);
        }

        CheckInvariants();
    }

    private void AbandonLeaderTransfer() => LeadTransferee = NodeId.None;

    private void SendTimeoutNow(NodeId to) => Send(new RaftMessage { From = Id, Type = MessageType.TimeoutNow, To = to, Term = Term });
}
