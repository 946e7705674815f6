using Cluster.Core;

namespace Raft.Core.Tests.Hosting;

/// <summary>Wrong use gets a clear error: proposals to followers, oversize commands, bad options, a throwing state machine, a stalled disk.</summary>
public sealed class MisuseTests
{
    [Test]
    public void ProposalToFollower_NamesTheLeader()
    {
        var cluster = new RaftSimCluster(51, 3);
        var leader = cluster.WaitForLeader();
        cluster.Simulator.RunFor(TimeSpan.FromMilliseconds(300));
        var follower = cluster.Node(cluster.Members.First(m => m != leader.Id))!;
        var error = cluster.Run(async () =>
        {
            try
            {
                await follower.ProposeAsync(KvCommand.Put("a", "b").Encode());
                return null;
            }
            catch (NotLeaderException exception)
            {
                return exception;
            }
        });
        Assert.That(error, Is.Not.Null);
        Assert.That(error!.LeaderHint, Is.EqualTo(leader.Id));
        Assert.That(error.Message, Does.Contain(leader.Id.ToString()));
    }

    [Test]
    public void OversizeCommand_IsRefused_AndNothingIsApplied()
    {
        var cluster = new RaftSimCluster(52, 3);
        var leader = cluster.WaitForLeader();
        var before = leader.Status.LastIndex;
        var error = cluster.Run(async () =>
        {
            try
            {
                await leader.ProposeAsync(new byte[RaftOptions.DefaultMaxSizePerMessageBytes + 1]);
                return null;
            }
            catch (ProposalTooLargeException exception)
            {
                return exception;
            }
        });
        Assert.That(error, Is.Not.Null);
        cluster.Simulator.RunFor(TimeSpan.FromMilliseconds(200));
        Assert.That(leader.Status.LastIndex, Is.EqualTo(before));
    }

    [Test]
    public void InvalidOptions_NameTheSetting()
    {
        var options = new RaftNodeOptions { NodeId = new NodeId(1), InitialMembers = [new NodeId(2)] };
        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.That(error!.Message, Does.Contain("InitialMembers"));
        error = Assert.Throws<ArgumentOutOfRangeException>(new RaftNodeOptions { NodeId = new NodeId(1), SessionTimeout = TimeSpan.FromMilliseconds(10) }.Validate);
        Assert.That(error!.Message, Does.Contain("SessionTimeout"));
        Assert.Throws<ArgumentOutOfRangeException>(new RaftClientOptions { OperationTimeout = TimeSpan.FromMilliseconds(1) }.Validate);
    }

    [Test]
    public void ThrowingStateMachine_StopsTheNode_WithTheReason_InsteadOfDiverging()
    {
        var cluster = new RaftSimCluster(53, 3);
        var leader = cluster.WaitForLeader();
        var follower = cluster.Members.First(m => m != leader.Id);
        cluster.StateMachine(follower)!.FailOn = (_, command) => command.Key == "poison" ? new InvalidOperationException("cannot apply poison") : null;
        var index = cluster.Propose(KvCommand.Put("poison", "1"));
        Assert.That(cluster.Simulator.RunUntil(() => cluster.Node(follower)!.Status.Fault is not null, TimeSpan.FromSeconds(5)), Is.True);
        var fault = cluster.Node(follower)!.Status.Fault;
        Assert.That(fault, Is.TypeOf<StateMachineFaultedException>());
        Assert.That(((StateMachineFaultedException)fault!).Index, Is.EqualTo(index));
        Assert.That(fault.InnerException!.Message, Is.EqualTo("cannot apply poison"));
        Assert.That(cluster.StateMachine(follower)!.Data.ContainsKey("poison"), Is.False);

        // The rest of the cluster goes on; the faulted node refuses work with the same reason.
        cluster.Propose(KvCommand.Put("after", "1"));
        var refused = cluster.Run(async () =>
        {
            try
            {
                await cluster.Node(follower)!.ReadAsync(KvCommand.Get("after").Encode());
                return null;
            }
            catch (StateMachineFaultedException exception)
            {
                return exception;
            }
        });
        Assert.That(refused, Is.Not.Null);
    }

    [Test]
    public void LeaderWithStalledDisk_StepsDown_AndTheClusterElectsAnother()
    {
        var cluster = new RaftSimCluster(54, 3);
        var leader = cluster.WaitForLeader();
        cluster.Propose(KvCommand.Put("d", "1"));
        cluster.StallDisk(leader.Id);
        var stuck = cluster.StartProposal(leader, KvCommand.Put("d", "stuck"));
        var others = cluster.Members.Where(m => m != leader.Id).ToList();
        var next = cluster.WaitForLeader(TimeSpan.FromSeconds(5), others);
        Assert.That(next.Id, Is.Not.EqualTo(leader.Id));
        Assert.That(leader.Status.IsLeader, Is.False, "the stalled leader still claims leadership");
        Assert.That(stuck.IsFaulted, Is.True);
        Assert.That(stuck.Exception!.InnerException, Is.TypeOf<ProposalOutcomeUnknownException>());

        var index = cluster.Propose(KvCommand.Put("d", "2"));
        cluster.UnstallDisk(leader.Id);
        cluster.WaitApplied(index, 3);
        Assert.That(cluster.StateMachine(leader.Id)!.Data["d"], Is.EqualTo("2"));
        Assert.That(leader.Status.IsLeader, Is.False);
    }
}
