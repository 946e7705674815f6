using Cluster.Core;
using Cluster.Simulation;

namespace Raft.Core.Tests.Hosting;

/// <summary>Membership changes on hosted nodes: learners caught up then promoted, removal of the leader, joint consensus, under faults.</summary>
public sealed class HostedMembershipTests
{
    /// <summary>A node that starts with an empty log and joins when a member adds it.</summary>
    private static RaftNodeOptions Joining(NodeId id) => RaftSimCluster.DefaultOptions(id, []);

    [TestCase(false)]
    [TestCase(true)]
    public void LearnerCatchesUp_IsPromoted_ThenLeaderRemovesItself(bool lossy)
    {
        var cluster = new RaftSimCluster(lossy ? 32UL : 31UL, 3);
        if (lossy)
        {
            cluster.Simulator.Network.DefaultLink = new LinkOptions { MinLatency = TimeSpan.FromMilliseconds(1), MaxLatency = TimeSpan.FromMilliseconds(20), LossProbability = 0.05 };
        }

        var leader = cluster.WaitForLeader(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 20; i++)
        {
            cluster.Propose(KvCommand.Put("m", $"{i}"), TimeSpan.FromSeconds(20));
        }

        var newcomer = new NodeId(4);
        cluster.AddNode(newcomer, Joining(newcomer));
        cluster.Run(async () => { await WithRetries(cluster, n => n.AddLearnerAsync(newcomer)); return 0; });
        cluster.WaitApplied(leader.Status.CommitIndex, 4, TimeSpan.FromSeconds(20));
        Assert.That(cluster.StateMachine(newcomer)!.Data["m"], Is.EqualTo("19"));
        Assert.That(cluster.Node(newcomer)!.Status.Configuration.Learners, Does.Contain(newcomer));

        cluster.Run(async () => { await WithRetries(cluster, n => n.AddVoterAsync(newcomer)); return 0; });
        leader = cluster.WaitForLeader(TimeSpan.FromSeconds(10));
        Assert.That(leader.Status.Configuration.Voters, Does.Contain(newcomer));

        // The leader removes itself: it steps down once the change is applied, and the other three elect a leader.
        var old = leader.Id;
        cluster.Run(async () => { await leader.RemoveNodeAsync(old); return 0; }, TimeSpan.FromSeconds(20));
        var remaining = cluster.Members.Append(newcomer).Where(m => m != old).ToList();
        var next = cluster.WaitForLeader(TimeSpan.FromSeconds(10), remaining);
        Assert.That(next.Id, Is.Not.EqualTo(old));
        // A new leader knows the removal is committed once an entry of its own term commits.
        Assert.That(cluster.Simulator.RunUntil(() => !next.Status.Configuration.Voters.Contains(old), TimeSpan.FromSeconds(5)), Is.True,
            $"the new leader still lists {old}: {next.Status.Configuration}");
        cluster.Simulator.Network.DefaultLink = new LinkOptions();
        cluster.WaitApplied(cluster.Propose(KvCommand.Put("m", "after")), 3);
        Assert.That(cluster.Node(old)!.Status.IsLeader, Is.False);
    }

    [Test]
    public void JointConsensus_ReplacesTwoVoters_WhileAFollowerIsDown()
    {
        var cluster = new RaftSimCluster(33, 3);
        var leader = cluster.WaitForLeader();
        var (n4, n5) = (new NodeId(4), new NodeId(5));
        cluster.AddNode(n4, Joining(n4));
        cluster.AddNode(n5, Joining(n5));
        cluster.Run(async () => { await WithRetries(cluster, n => n.ChangeMembershipAsync(new ConfigChange { Items = [new(ConfigChangeType.AddLearner, n4), new(ConfigChangeType.AddLearner, n5)] })); return 0; });
        cluster.WaitApplied(leader.Status.CommitIndex, 5);

        var followers = cluster.Members.Where(m => m != leader.Id).ToList();
        cluster.Crash(followers[0]);
        var change = new ConfigChange
        {
            Transition = ConfigChangeTransition.JointAutoLeave,
            Items =
            [
                new(ConfigChangeType.AddVoter, n4),
                new(ConfigChangeType.AddVoter, n5),
                new(ConfigChangeType.RemoveNode, followers[0]),
                new(ConfigChangeType.RemoveNode, followers[1]),
            ],
        };
        cluster.Run(async () => { await WithRetries(cluster, n => n.ChangeMembershipAsync(change)); return 0; }, TimeSpan.FromSeconds(20));
        Assert.That(cluster.Simulator.RunUntil(
            () => cluster.RunningNodes.Any(n => n.Status.IsLeader && !n.Status.Configuration.IsJoint && n.Status.Configuration.Voters.Count == 3),
            TimeSpan.FromSeconds(10)), Is.True, "the joint configuration was not left");
        var voters = cluster.Leaders()[0].Status.Configuration.Voters;
        Assert.That(voters, Is.EquivalentTo(new[] { leader.Id, n4, n5 }));
        cluster.WaitApplied(cluster.Propose(KvCommand.Put("j", "1")), 3);
    }

    [Test]
    public void SecondChangeWhilePending_IsRefusedWithClearError()
    {
        var cluster = new RaftSimCluster(34, 3);
        var leader = cluster.WaitForLeader();
        var follower = cluster.Members.First(m => m != leader.Id);
        cluster.Disconnect(follower);
        var other = cluster.Members.First(m => m != leader.Id && m != follower);
        cluster.Disconnect(other);
        var first = cluster.Run(() => Task.FromResult(leader.AddLearnerAsync(new NodeId(9))));
        var second = cluster.Run(async () =>
        {
            try
            {
                await leader.AddLearnerAsync(new NodeId(10));
                return null;
            }
            catch (ProposalRejectedException exception)
            {
                return exception;
            }
        });
        Assert.That(second, Is.Not.Null);
        Assert.That(second!.Reason, Is.EqualTo(ProposalRejectionReason.ConfigChangePending));
        Assert.That(first.IsCompleted, Is.False);
    }

    private static async Task WithRetries(RaftSimCluster cluster, Func<RaftNode, Task> change)
    {
        for (var attempt = 0; ; attempt++)
        {
            var leader = cluster.Leaders().FirstOrDefault();
            try
            {
                if (leader is not null)
                {
                    await change(leader);
                    return;
                }
            }
            catch (Exception exception) when (attempt < 50 && exception is NotLeaderException or ProposalOutcomeUnknownException or ProposalRejectedException)
            {
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cluster.Simulator.TimeProvider);
        }
    }
}
