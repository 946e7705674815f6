namespace Haystack;

internal sealed partial class DirectoryState
{
    /// <summary>
    /// Keeps a delete for the replicas on <paramref name="command"/>'s Stores that missed it. All or nothing: false (and
    /// nothing kept) when the volume is unknown, a Store named holds no replica of it, or a replica's list is full.
    /// </summary>
    /// <remarks>
    /// The client calls this only after every other replica confirmed the delete (with the cookie checked), so once this is
    /// committed the delete is durable everywhere it matters: on the live replicas, and in the Raft log for the rest. A
    /// replica with pending deletes serves no reads and is no repair source until its Store has confirmed them all, so
    /// nothing deleted comes back through it, even if it is the only replica left.
    /// </remarks>
    public bool RecordPendingDelete(RecordPendingDeleteCommand command, DirectoryOptions options)
    {
        if (!Volumes.TryGetValue(command.VolumeId, out var volume) || command.Stores.Count == 0)
        {
            return false;
        }

        var replicas = new List<ReplicaRecord>();
        foreach (var store in command.Stores.Distinct())
        {
            if (volume.Replica(store.Value) is not { } replica || replica.PendingDeletes.Count >= options.MaxPendingDeletesPerReplica)
            {
                return false;
            }

            replicas.Add(replica);
        }

        foreach (var replica in replicas)
        {
            replica.PendingDeletes.Add(new PendingDelete
            {
                Id = NextPendingDeleteId++,
                VolumeId = volume.Id,
                Key = command.Key,
                AlternateKey = command.AlternateKey,
                Cookie = command.Cookie,
            });

            // It missed a delete: whatever it was, it is not a replica to read from until it has caught up.
            replica.Healthy = false;
        }

        // A reopening volume goes back to read-only too: its next reopening needs this replica caught up and a new epoch.
        if (volume.State is LogicalVolumeState.Writable or LogicalVolumeState.Reopening)
        {
            volume.MakeReadOnly(VolumeReadOnlyReason.ReplicaFailed);
        }

        EnsureWriteCapacity(options);
        PlanRepairs(options);
        return true;
    }

    /// <summary>Forgets the pending deletes a Store confirmed it applied (ids it no longer has are ignored: a repeated heartbeat).</summary>
    private void AcknowledgePendingDeletes(ulong storeId, IReadOnlyList<ulong> applied)
    {
        if (applied.Count == 0)
        {
            return;
        }

        var ids = applied.ToHashSet();
        foreach (var volume in VolumesOn(storeId))
        {
            volume.Replica(storeId)!.PendingDeletes.RemoveAll(d => ids.Contains(d.Id));
        }
    }

    /// <summary>The oldest pending deletes of a Store's replicas, at most <paramref name="max"/>.</summary>
    private List<PendingDelete> PendingDeletesFor(ulong storeId, int max) =>
        [.. VolumesOn(storeId).SelectMany(v => v.Replica(storeId)!.PendingDeletes).OrderBy(d => d.Id).Take(max)];
}
