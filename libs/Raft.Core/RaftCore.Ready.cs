namespace Raft.Core;

public sealed partial class RaftCore
{
    /// <summary>Whether <see cref="GetReady"/> would return any work.</summary>
    public bool HasReady =>
        _outstanding is null
        && (SoftState != _lastSoftState
            || HardState != _lastHardState
            || _log.Unstable.Entries.Count > 0
            || _log.HasPendingSnapshot
            || _messages.Count > 0
            || _readStates.Count > 0
            || _log.HasNextCommittedEntries
            || (_pendingBroadcast && Role == RaftRole.Leader));

    /// <summary>Returns the next batch of work; see <see cref="Ready"/> for the order in which to process it.</summary>
    /// <exception cref="InvalidOperationException">The previous batch has not been advanced.</exception>
    public Ready GetReady()
    {
        if (_outstanding is not null)
        {
            throw new InvalidOperationException("The previous Ready has not been advanced; call Advance(ready) first.");
        }

        if (_pendingBroadcast && Role == RaftRole.Leader)
        {
            // Proposals since the last batch go out together.
            BroadcastAppend();
        }

        var soft = SoftState;
        var hard = HardState;
        var entries = _log.Unstable.Entries.ToArray();
        var ready = new Ready(
            soft != _lastSoftState ? soft : null,
            hard != _lastHardState ? hard : null,
            entries,
            _log.Unstable.Snapshot,
            _log.NextCommittedEntries(_options.MaxCommittedBytesPerReady),
            _messages.Count > 0 ? _messages : [],
            _readStates.Count > 0 ? _readStates : [],
            mustSync: entries.Length > 0 || hard.Term != _lastHardState.Term || hard.Vote != _lastHardState.Vote);

        // Lists handed over belong to the Ready; empty ones are kept for the next batch.
        if (_messages.Count > 0)
        {
            _messages = [];
        }

        if (_readStates.Count > 0)
        {
            _readStates = [];
        }

        _lastSoftState = soft;
        _lastHardState = hard;
        _outstanding = ready;
        CheckInvariants();
        return ready;
    }

    /// <summary>
    /// Acknowledges that the host persisted, sent and applied <paramref name="ready"/>. Configuration changes among its committed
    /// entries take effect here.
    /// </summary>
    /// <exception cref="InvalidOperationException"><paramref name="ready"/> is not the outstanding batch.</exception>
    public void Advance(Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (!ReferenceEquals(ready, _outstanding))
        {
            throw new InvalidOperationException("Advance must be called with the Ready returned by the last GetReady.");
        }

        _outstanding = null;
        if (ready.Entries.Count > 0)
        {
            var last = ready.Entries[^1];
            _log.StableTo(last.Index, last.Term);
        }

        if (ready.Snapshot is not null)
        {
            _log.StableSnapshotTo(ready.Snapshot.Index);
            _log.AppliedTo(ready.Snapshot.Index);
        }

        var committed = ready.CommittedEntries;
        for (var i = 0; i < committed.Count; i++)
        {
            var entry = committed[i];
            _log.AppliedTo(entry.Index);
            if (entry.Kind == EntryKind.ConfigChange)
            {
                ApplyConfigChangeEntry(entry);
            }
            else if (entry.Kind == EntryKind.Normal && Role == RaftRole.Leader)
            {
                _uncommittedBytes = Math.Max(0, _uncommittedBytes - entry.SizeBytes);
            }
        }

        MaybeAutoLeaveJoint();
        CheckInvariants();
    }
}
