using Cluster.Core;

namespace Raft.Core.Tests.Hosting;

/// <summary>Lease reads on hosted nodes: the lease is measured in elapsed time, so a paused leader cannot serve from an expired lease.</summary>
public sealed class LeaseReadTests
{
    [Test]
    public void PausedLeader_ResumesAfterANewLeaderWrote_DoesNotServeAStaleRead()
    {
        var members = new[] { new NodeId(1), new NodeId(2), new NodeId(3) };
        var cluster = new RaftSimCluster(61, 3, id => RaftSimCluster.DefaultOptions(id, members, ReadOnlyMode.LeaseBased));
        var old = cluster.WaitForLeader();
        cluster.Propose(KvCommand.Put("k", "old"));
        Assert.That(cluster.Run(() => old.ReadAsync(KvCommand.Get("k").Encode())).ToArray(), Is.EqualTo("old"u8.ToArray()), "lease read before the pause");

        // The leader stops (no timer, no messages) while the others elect a new leader and overwrite the key.
        cluster.Simulated(old.Id).Pause();
        var next = cluster.WaitForLeader(TimeSpan.FromSeconds(5), members.Where(m => m != old.Id).ToList());
        cluster.WaitApplied(cluster.Propose(KvCommand.Put("k", "new")), 2);

        // On resuming, its first act is a read: it must see that its lease ran out while it was stopped.
        cluster.Simulated(old.Id).Resume();
        var read = cluster.Run(async () =>
        {
            try
            {
                return KvStateMachine.DecodeResult(await old.ReadAsync(KvCommand.Get("k").Encode()));
            }
            catch (Exception exception) when (exception is NotLeaderException or TimeoutException)
            {
                return "refused";
            }
        });
        Assert.That(read, Is.AnyOf("new", "refused"), "a stale value was read under an expired lease");
        Assert.That(next.Status.IsLeader || cluster.Leaders().Count == 1, Is.True);
    }
}
