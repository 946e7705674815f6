namespace Raft.Core;

/// <summary>The leader's view of one member's log (Raft Figure 2 nextIndex/matchIndex) and the flow control towards it.</summary>
internal sealed class Progress
{
    public Progress(ulong next, int maxInflightMessages, long maxInflightBytes, bool isLearner)
    {
        Next = next;
        IsLearner = isLearner;
        Inflights = new Inflights(maxInflightMessages, maxInflightBytes);
    }

    /// <summary>The highest index known to be replicated on the member.</summary>
    public ulong Match { get; set; }

    /// <summary>The next index to send.</summary>
    public ulong Next { get; set; }

    public ProgressState State { get; private set; }

    /// <summary>In <see cref="ProgressState.Snapshot"/>: the index of the snapshot being sent.</summary>
    public ulong PendingSnapshot { get; set; }

    /// <summary>Whether the member answered since the last CheckQuorum round.</summary>
    public bool RecentActive { get; set; }

    /// <summary>In <see cref="ProgressState.Probe"/>: a probe is out, so wait for an answer or the next heartbeat.</summary>
    public bool ProbeSent { get; set; }

    public bool IsLearner { get; set; }

    /// <summary>In <see cref="ProgressState.Snapshot"/>: leader ticks since the snapshot was sent.</summary>
    public int SnapshotElapsedTicks { get; set; }

    /// <summary>The leader tick of the latest heartbeat this member acknowledged, for read leases.</summary>
    public ulong LeaseAckTick { get; set; }

    public Inflights Inflights { get; }

    public bool IsPaused => State switch
    {
        ProgressState.Probe => ProbeSent,
        ProgressState.Replicate => Inflights.IsFull,
        _ => true,
    };

    public void BecomeProbe()
    {
        // After a snapshot, resume after whichever is later: what the member acknowledged or what the snapshot covers.
        var next = State == ProgressState.Snapshot ? Math.Max(Match + 1, PendingSnapshot + 1) : Match + 1;
        Reset(ProgressState.Probe);
        Next = next;
    }

    public void BecomeReplicate()
    {
        Reset(ProgressState.Replicate);
        Next = Match + 1;
    }

    public void BecomeSnapshot(ulong snapshotIndex)
    {
        Reset(ProgressState.Snapshot);
        PendingSnapshot = snapshotIndex;
    }

    private void Reset(ProgressState state)
    {
        State = state;
        ProbeSent = false;
        SnapshotElapsedTicks = 0;
        PendingSnapshot = 0;
        Inflights.Reset();
    }

    /// <summary>An acknowledgement up to <paramref name="index"/> arrived; returns whether it told us something new.</summary>
    public bool MaybeUpdate(ulong index)
    {
        var updated = false;
        if (Match < index)
        {
            Match = index;
            updated = true;
            ProbeSent = false;
        }

        Next = Math.Max(Next, index + 1);
        return updated;
    }

    /// <summary>
    /// The member rejected an Append whose previous index was <paramref name="rejected"/>; move <see cref="Next"/> back towards
    /// <paramref name="hint"/>. Returns false for a stale rejection (Raft §5.3, with the fast backtracking of the Raft thesis §5.3 note).
    /// </summary>
    public bool MaybeDecreaseTo(ulong rejected, ulong hint)
    {
        if (State == ProgressState.Replicate)
        {
            if (rejected <= Match)
            {
                return false;
            }

            Next = Match + 1;
            return true;
        }

        if (Next == 0 || Next - 1 != rejected)
        {
            return false;
        }

        Next = Math.Max(Math.Min(rejected, hint), Match + 1);
        Next = Math.Max(Next, 1);
        ProbeSent = false;
        return true;
    }

    public override string ToString() => $"{State} match={Match} next={Next} inflight={Inflights.Count}{(IsLearner ? " learner" : string.Empty)}";
}
