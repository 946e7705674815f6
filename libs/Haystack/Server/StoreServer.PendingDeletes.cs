namespace Haystack;

public sealed partial class StoreServer
{
    // Applied pending deletes not yet confirmed to the Directory; guarded by _gate.
    private readonly HashSet<ulong> _appliedPendingDeletes = [];

    /// <summary>
    /// Applies the deletes this Store's replicas missed, as the Directory handed them over in a heartbeat answer, each as a
    /// client's delete (cookie checked, tombstone fsynced). The ids of those done go in the next heartbeat.
    /// </summary>
    /// <remarks>
    /// Done also covers a needle already gone, a wrong cookie (there is nothing of that photo to delete) and a volume this
    /// Store does not hold (a lost replica is rebuilt from one that applied the delete). A delete that failed on the disk
    /// stays pending and comes again with the next answer.
    /// </remarks>
    private async Task ApplyPendingDeletesAsync(IReadOnlyList<PendingDelete> deletes, CancellationToken cancellationToken)
    {
        foreach (var delete in deletes)
        {
            lock (_gate)
            {
                if (_appliedPendingDeletes.Contains(delete.Id))
                {
                    continue;
                }
            }

            var request = new StoreDeleteRequest { VolumeId = delete.VolumeId, Key = delete.Key, AlternateKey = delete.AlternateKey, Cookie = delete.Cookie };
            var answer = await HandleDeleteAsync(Id, request, cancellationToken);
            if (answer.Status is StoreStatus.Ok or StoreStatus.NotFound or StoreStatus.CookieMismatch or StoreStatus.UnknownVolume)
            {
                lock (_gate)
                {
                    _appliedPendingDeletes.Add(delete.Id);
                }
            }
        }
    }

    /// <summary>Forgets the applied deletes a heartbeat the Directory took has confirmed.</summary>
    private void ForgetConfirmedPendingDeletes(IReadOnlyList<ulong> confirmed)
    {
        lock (_gate)
        {
            _appliedPendingDeletes.ExceptWith(confirmed);
        }
    }
}
