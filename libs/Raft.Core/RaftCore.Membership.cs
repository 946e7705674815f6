using Cluster.Core;

namespace Raft.Core;

public sealed partial class RaftCore
{
    private ulong _pendingConfigIndex;

    /// <summary>Proposes a membership change; it takes effect on every node when the host advances past its committed entry.</summary>
    /// <returns>The index of the configuration entry.</returns>
    /// <exception cref="NotLeaderException">This node is not the leader.</exception>
    /// <exception cref="ProposalRejectedException">Another change is still unapplied (<see cref="ProposalRejectionReason.ConfigChangePending"/>) or a transfer is in progress.</exception>
    /// <exception cref="InvalidOperationException">The change is not allowed from the current configuration (for example, a change while joint).</exception>
    public ulong ProposeConfigChange(ConfigChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var data = change.Encode();
        EnsureCanPropose(data.Length);
        if (_pendingConfigIndex > _log.Applied)
        {
            // Raft thesis §4.1: one change at a time, so every pair of consecutive configurations shares a quorum.
            throw new ProposalRejectedException(ProposalRejectionReason.ConfigChangePending,
                $"The configuration change at index {_pendingConfigIndex} is not applied yet (applied {_log.Applied}); only one change may be pending.");
        }

        // Throws with a clear message if the change is not allowed.
        ConfigurationChanger.Apply(_tracker.Configuration, change);
        var index = AppendEntry(EntryKind.ConfigChange, data);
        _pendingConfigIndex = index;
        CheckInvariants();
        return index;
    }

    private void ApplyConfigChangeEntry(LogEntry entry)
    {
        ConfigurationState next;
        try
        {
            next = ConfigurationChanger.Apply(_tracker.Configuration, ConfigChange.Decode(entry.Data));
        }
        catch (InvalidOperationException)
        {
            // A committed change that is invalid against the applied configuration is ignored identically on every node.
            return;
        }
        catch (ArgumentException)
        {
            return;
        }

        SwitchToConfiguration(next);
    }

    private void SwitchToConfiguration(ConfigurationState configuration)
    {
        _tracker.SetConfiguration(configuration, _log.LastIndex);
        if (Role != RaftRole.Leader)
        {
            return;
        }

        if (!configuration.IsVoter(Id))
        {
            // Raft thesis §4.2.2: a leader that is no longer a voter steps down once the change is committed. If a remaining
            // voter is fully caught up, it is told to campaign at once (§3.10) instead of waiting for an election timeout.
            var successor = _tracker.Progress
                .Where(p => p.Key != Id && configuration.IsVoter(p.Key) && p.Value.Match == _log.LastIndex)
                .Select(p => p.Key)
                .DefaultIfEmpty(NodeId.None)
                .Min();
            if (!successor.IsNone)
            {
                SendTimeoutNow(successor);
            }

            BecomeFollower(Term, NodeId.None);
            return;
        }

        if (!LeadTransferee.IsNone && !configuration.IsVoter(LeadTransferee))
        {
            AbandonLeaderTransfer();
        }

        // The quorum changed: the commit index may move, and new members need entries.
        if (MaybeCommit())
        {
            BroadcastAppend();
        }
        else
        {
            _pendingBroadcast = true;
        }

    }

    private void MaybeAutoLeaveJoint()
    {
        var configuration = _tracker.Configuration;
        if (Role == RaftRole.Leader && configuration.IsJoint && configuration.AutoLeave && _pendingConfigIndex <= _log.Applied)
        {
            // Raft thesis §4.3: once the joint configuration is in force, the leader moves on to the new one.
            _pendingConfigIndex = AppendEntry(EntryKind.ConfigChange, ConfigChange.LeaveJoint().Encode());
        }
    }

    private void MaybePromoteLearner(NodeId id, Progress progress)
    {
        if (!_options.AutoPromoteLearners || Role != RaftRole.Leader || !progress.IsLearner || _tracker.Configuration.IsJoint
            || _pendingConfigIndex > _log.Applied || !LeadTransferee.IsNone || progress.Match < _log.Committed)
        {
            return;
        }

        // The learner holds every committed entry, so adding it as a voter will not stall commits while it catches up (Raft thesis §4.2.1).
        _pendingConfigIndex = AppendEntry(EntryKind.ConfigChange, ConfigChange.AddVoter(id).Encode());
    }
}
