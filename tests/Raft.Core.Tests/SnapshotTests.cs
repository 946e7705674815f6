using Cluster.Core;
using Raft.Core.Tests.Infrastructure;
using static Raft.Core.Tests.Infrastructure.Msg;

namespace Raft.Core.Tests;

public sealed class SnapshotTests
{
    private static readonly ulong[] Three = [1, 2, 3];

    [Test]
    public void A_follower_behind_the_compacted_log_receives_a_snapshot_and_continues_from_it()
    {
        var net = new TestNetwork(1, 2, 3);
        var checker = new SafetyChecker(net);
        net.Campaign(1);
        net.Isolate(3);
        for (var i = 0; i < 30; i++)
        {
            net.Propose(1, $"c{i}");
        }

        net[1].Compact(keepEntries: 0);
        Assert.That(net[1].Storage.FirstIndex, Is.GreaterThan(net[3].Storage.LastIndex + 1), "the entries node 3 needs are gone");
        net.Recover();
        net.TickAll(3);
        net.Propose(1, "after");
        Assert.Multiple(() =>
        {
            Assert.That(net.Delivered.Count(m => m.Type == MessageType.InstallSnapshot && m.To == N(3)), Is.EqualTo(1));
            Assert.That(net[3].Storage.Snapshot.Index, Is.EqualTo(net[1].Storage.Snapshot.Index));
            Assert.That(net[3].StateMachine, Is.EqualTo(net[1].StateMachine));
            Assert.That(net[3].StateMachine[^1], Is.EqualTo("after"));
            Assert.That(net[1].Core.GetProgressState(N(3)), Is.EqualTo(ProgressState.Replicate));
            Assert.That(checker.Violations, Is.Empty);
        });
    }

    [Test]
    public void A_follower_that_has_the_snapshot_index_in_its_log_only_advances_its_commit()
    {
        var solo = new Solo(1, Three, storage: Solo.CreateStorage(Three, 1, 1, 1));
        var metadata = new SnapshotMetadata { Index = 2, Term = 1, Configuration = ConfigurationState.Create(Three.Select(N)) };
        solo.Step(Make(MessageType.InstallSnapshot, 2, 1, 1) with { Snapshot = metadata, SnapshotDone = true });
        var response = solo.ReadMessages().Single();
        Assert.Multiple(() =>
        {
            Assert.That(response.Type, Is.EqualTo(MessageType.InstallSnapshotResponse));
            Assert.That(response.Index, Is.EqualTo(2));
            Assert.That(solo.Core.CommitIndex, Is.EqualTo(2));
            Assert.That(solo.Core.LastIndex, Is.EqualTo(3), "the log after the snapshot point is kept");
            Assert.That(solo.Storage.Snapshot.Index, Is.Zero, "no snapshot was installed");
        });
    }

    [Test]
    public void Snapshot_chunks_are_reassembled_and_installed_when_the_last_arrives()
    {
        var solo = new Solo(1, Three);
        var metadata = new SnapshotMetadata { Index = 10, Term = 3, Configuration = ConfigurationState.Create(Three.Select(N)) };
        var data = Enumerable.Range(0, 12).Select(i => (byte)i).ToArray();
        var chunk = Make(MessageType.InstallSnapshot, 2, 1, 3) with { Snapshot = metadata };
        solo.Step(chunk with { SnapshotOffset = 0, SnapshotData = data.AsMemory(0, 4) });
        solo.Step(chunk with { SnapshotOffset = 8, SnapshotData = data.AsMemory(8, 4), SnapshotDone = true });
        Assert.That(solo.ReadMessages().Where(m => m.Type == MessageType.InstallSnapshotResponse), Is.Empty, "a chunk out of order is dropped");

        solo.Step(chunk with { SnapshotOffset = 0, SnapshotData = data.AsMemory(0, 4) });
        solo.Step(chunk with { SnapshotOffset = 4, SnapshotData = data.AsMemory(4, 4) });
        solo.Step(chunk with { SnapshotOffset = 8, SnapshotData = data.AsMemory(8, 4), SnapshotDone = true });
        var ready = solo.Core.GetReady();
        Assert.Multiple(() =>
        {
            Assert.That(ready.Snapshot, Is.Not.Null);
            Assert.That(ready.Snapshot!.Data.ToArray(), Is.EqualTo(data));
            Assert.That(ready.Snapshot.Index, Is.EqualTo(10));
            Assert.That(ready.CommittedEntries, Is.Empty, "nothing else is applied until the snapshot is");
            Assert.That(ready.Messages.Single().Index, Is.EqualTo(10));
        });
        solo.Storage.ApplySnapshot(ready.Snapshot!);
        solo.Core.Advance(ready);
        Assert.Multiple(() =>
        {
            Assert.That(solo.Core.AppliedIndex, Is.EqualTo(10));
            Assert.That(solo.Core.CommitIndex, Is.EqualTo(10));
            Assert.That(solo.Core.Configuration.Voters, Is.EqualTo(Three.Select(N)));
        });
    }

    [Test]
    public void A_node_restarts_from_its_snapshot_and_log()
    {
        var net = new TestNetwork(1, 2, 3);
        net.Campaign(1);
        for (var i = 0; i < 10; i++)
        {
            net.Propose(1, $"c{i}");
        }

        net[2].Compact(keepEntries: 3);
        net[2].Restart();
        net.TickAll(3);
        net.Propose(1, "after");
        Assert.Multiple(() =>
        {
            Assert.That(net[2].StateMachine, Is.EqualTo(net[1].StateMachine));
            Assert.That(net[2].StateMachine, Has.Count.EqualTo(11));
            Assert.That(net[2].Core.Configuration, Is.EqualTo(net[1].Core.Configuration));
        });
    }

    [Test]
    public void A_failed_snapshot_report_makes_the_leader_retry()
    {
        var net = new TestNetwork(1, 2, 3);
        net.Campaign(1);
        net.Isolate(3);
        for (var i = 0; i < 5; i++)
        {
            net.Propose(1, $"c{i}");
        }

        net[1].Compact(keepEntries: 0);
        net.Recover();
        net.Filter = m => m.Type == MessageType.InstallSnapshot ? null : m;
        net.TickAll(2);
        Assert.That(net[1].Core.GetProgressState(N(3)), Is.EqualTo(ProgressState.Snapshot));
        net[1].Core.ReportSnapshot(N(3), succeeded: false);
        Assert.That(net[1].Core.GetProgressState(N(3)), Is.EqualTo(ProgressState.Probe));
        net.Filter = null;
        net.TickAll(3);
        Assert.That(net[3].StateMachine, Is.EqualTo(net[1].StateMachine));
    }

    [Test]
    public void A_lost_snapshot_is_sent_again_after_the_retry_interval()
    {
        var net = new TestNetwork(1, new RaftOptions { SnapshotRetryTicks = 20 }, 1, 2, 3);
        net.Campaign(1);
        net.Isolate(3);
        for (var i = 0; i < 5; i++)
        {
            net.Propose(1, $"c{i}");
        }

        net[1].Compact(keepEntries: 0);
        net.Recover();
        net.Filter = m => m.Type == MessageType.InstallSnapshot ? null : m;
        net.TickAll(2);
        Assert.That(net[1].Core.GetProgressState(N(3)), Is.EqualTo(ProgressState.Snapshot));
        net.Filter = null;
        net.TickAll(15);
        Assert.That(net[3].StateMachine, Is.Empty, "still waiting for the lost snapshot");
        net.TickAll(10);
        Assert.That(net[3].StateMachine, Is.EqualTo(net[1].StateMachine));
    }
}
