using Cluster.Core;
using Cluster.Simulation;

namespace Raft.Core.Tests.Hosting;

/// <summary>Snapshots on hosted nodes: compaction, installation on a lagging follower (also over a lossy network and across a crash).</summary>
public sealed class HostedSnapshotTests
{
    private static RaftSimCluster Cluster(ulong seed, int snapshotEvery = 20, int chunkBytes = 1024) =>
        new(seed, 3, id => RaftSimCluster.DefaultOptions(
            id, [new NodeId(1), new NodeId(2), new NodeId(3)], snapshotThresholdEntries: snapshotEvery, snapshotChunkBytes: chunkBytes));

    /// <summary>Cuts a follower off while the other two commit 120 large entries (about 10 snapshots' worth); returns the last index.</summary>
    private static (RaftNode Leader, NodeId Lagging, ulong Last) LeaveOneFollowerBehind(RaftSimCluster cluster)
    {
        var leader = cluster.WaitForLeader();
        var lagging = cluster.Members.First(m => m != leader.Id);
        cluster.Disconnect(lagging);
        ulong last = 0;
        for (var i = 0; i < 120; i++)
        {
            last = cluster.Propose(KvCommand.Put($"k{i % 40}", Big(i)));
        }

        cluster.WaitApplied(last, 2);
        return (leader, lagging, last);
    }

    private static string Big(int i) => new string((char)('a' + (i % 26)), 300) + i;

    [Test]
    public void Basic_LogIsCompactedAndEveryNodeAgrees()
    {
        var cluster = Cluster(21);
        cluster.WaitForLeader();
        ulong last = 0;
        for (var i = 0; i < 100; i++)
        {
            last = cluster.Propose(KvCommand.Put($"k{i % 10}", $"{i}"));
        }

        cluster.WaitApplied(last, 3);
        cluster.Simulator.RunFor(TimeSpan.FromSeconds(1));
        foreach (var id in cluster.Members)
        {
            Assert.That(cluster.Snapshots(id).Commits, Is.GreaterThan(0), $"{id} took no snapshot");
            Assert.That(cluster.Log(id).FirstIndex, Is.GreaterThan(20UL), $"{id} did not compact its log");
            Assert.That(cluster.StateMachine(id)!.Data["k9"], Is.EqualTo("99"));
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Install_LaggingFollowerReceivesSnapshotInChunks(bool unreliable)
    {
        var cluster = Cluster(unreliable ? 23UL : 22UL);
        var (leader, lagging, last) = LeaveOneFollowerBehind(cluster);
        cluster.Simulator.RunFor(TimeSpan.FromSeconds(1));
        Assert.That(cluster.Log(leader.Id).FirstIndex, Is.GreaterThan(cluster.Log(lagging).LastIndex + 1), "the leader still has the entries the follower needs");
        if (unreliable)
        {
            cluster.Simulator.Network.DefaultLink = new LinkOptions { MinLatency = TimeSpan.FromMilliseconds(1), MaxLatency = TimeSpan.FromMilliseconds(20), LossProbability = 0.2, DuplicateProbability = 0.1 };
        }

        cluster.Connect(lagging);
        cluster.WaitApplied(last, 3, TimeSpan.FromSeconds(30));
        Assert.That(cluster.Snapshots(lagging).Commits, Is.GreaterThan(0));
        Assert.That(cluster.StateMachine(lagging)!.Data["k39"], Is.EqualTo(Big(119)));
        Assert.That(cluster.StateMachine(lagging)!.Data, Is.EquivalentTo(cluster.StateMachine(leader.Id)!.Data));
    }

    [Test]
    public void Install_FollowerCrashesMidTransfer_CatchesUpAfterRestart()
    {
        var cluster = Cluster(24);
        var (leader, lagging, last) = LeaveOneFollowerBehind(cluster);
        cluster.Simulator.Network.DefaultLink = new LinkOptions { MinLatency = TimeSpan.FromMilliseconds(20), MaxLatency = TimeSpan.FromMilliseconds(20) };
        cluster.Connect(lagging);
        // A 12 KB snapshot in 1 KiB chunks at 40 ms a round trip: crash part of the way through.
        cluster.Simulator.RunFor(TimeSpan.FromMilliseconds(250));
        Assert.That(cluster.Node(lagging)!.Status.AppliedIndex, Is.LessThan(last), "the transfer finished before the crash");
        cluster.Crash(lagging);
        cluster.Simulator.RunFor(TimeSpan.FromMilliseconds(500));
        cluster.Restart(lagging);
        cluster.WaitApplied(last, 3, TimeSpan.FromSeconds(30));
        Assert.That(cluster.StateMachine(lagging)!.Data, Is.EquivalentTo(cluster.StateMachine(leader.Id)!.Data));
    }

    [Test]
    public void SnapshotStreamFailingMidway_NodeKeepsServing_AndRetriesLater()
    {
        var cluster = Cluster(25, snapshotEvery: 10);
        var leader = cluster.WaitForLeader();
        cluster.StateMachine(leader.Id)!.FailSnapshotWith = new IOException("disk full while writing the snapshot");
        ulong last = 0;
        for (var i = 0; i < 30; i++)
        {
            last = cluster.Propose(KvCommand.Put("s", $"{i}"));
        }

        cluster.WaitApplied(last, 3);
        Assert.That(leader.Status.Fault, Is.Null);
        Assert.That(leader.Status.IsLeader, Is.True);
        Assert.That(cluster.Snapshots(leader.Id).Commits, Is.Zero, "a failed snapshot was committed");
        Assert.That(cluster.Log(leader.Id).FirstIndex, Is.EqualTo(1UL), "the log was compacted without a snapshot");

        var explicitSnapshot = cluster.Run(async () =>
        {
            try
            {
                await leader.SnapshotAsync();
                return null;
            }
            catch (IOException exception)
            {
                return exception;
            }
        });
        Assert.That(explicitSnapshot, Is.Not.Null);

        cluster.StateMachine(leader.Id)!.FailSnapshotWith = null;
        var index = cluster.Run(() => leader.SnapshotAsync());
        Assert.That(index, Is.GreaterThanOrEqualTo(last));
        Assert.That(cluster.Snapshots(leader.Id).Commits, Is.EqualTo(1));
    }
}
