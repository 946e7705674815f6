using Cluster.Core;
using Raft.Core.Tests.Infrastructure;
using static Raft.Core.Tests.Infrastructure.Msg;

namespace Raft.Core.Tests;

public sealed class MembershipTests
{
    private static TestNetwork Cluster(RaftOptions? options = null, params ulong[] ids)
    {
        var net = new TestNetwork(1, options ?? TestNetwork.DefaultOptions(), ids.Length == 0 ? [1, 2, 3] : ids);
        net.Campaign(1);
        return net;
    }

    private static ConfigurationState Voters(params ulong[] ids) => ConfigurationState.Create(ids.Select(N));

    [Test]
    public void Adding_a_voter_replicates_the_whole_log_to_it_and_counts_it_in_the_quorum()
    {
        var net = Cluster();
        var checker = new SafetyChecker(net);
        net.Propose(1, "before");
        net.AddNode(N(4), new MemoryRaftLog());
        net[1].Core.ProposeConfigChange(ConfigChange.AddVoter(N(4)));
        net.Stabilize();
        Assert.That(net.Nodes.Values.Select(n => n.Core.Configuration), Is.All.EqualTo(Voters(1, 2, 3, 4)));

        // With 2 and 3 cut off, 1 and 4 are not a majority of four.
        net.Isolate(2);
        net.Isolate(3);
        net.Propose(1, "needs three of four");
        Assert.That(net[4].StateMachine, Is.EqualTo(new[] { "before" }));
        net.Recover();
        net.TickAll(2);
        Assert.Multiple(() =>
        {
            Assert.That(net[4].StateMachine, Is.EqualTo(new[] { "before", "needs three of four" }));
            Assert.That(checker.Violations, Is.Empty);
        });
    }

    [Test]
    public void Removing_a_voter_shrinks_the_quorum()
    {
        var net = Cluster();
        net[1].Core.ProposeConfigChange(ConfigChange.RemoveNode(N(3)));
        net.Stabilize();
        Assert.That(net[1].Core.Configuration, Is.EqualTo(Voters(1, 2)));
        net.Isolate(3);
        net.Propose(1, "two of two");
        Assert.That(net[2].StateMachine, Is.EqualTo(new[] { "two of two" }));
    }

    [Test]
    public void Replacing_a_voter_goes_through_joint_consensus_and_leaves_it_automatically()
    {
        var net = Cluster();
        var checker = new SafetyChecker(net);
        net.AddNode(N(4), new MemoryRaftLog());
        var change = new ConfigChange { Items = [new(ConfigChangeType.AddVoter, N(4)), new(ConfigChangeType.RemoveNode, N(3))] };
        net[1].Core.ProposeConfigChange(change);
        net.Stabilize();
        var configurations = net[1].AppliedEntries.Where(e => e.Kind == EntryKind.ConfigChange).Skip(1).Select(e => ConfigChange.Decode(e.Data)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(configurations, Has.Count.EqualTo(2), "enter joint, then leave joint");
            Assert.That(configurations[1].IsLeaveJoint, Is.True);
            Assert.That(new ulong[] { 1, 2, 4 }.Select(id => net[id].Core.Configuration), Is.All.EqualTo(Voters(1, 2, 4)));
            Assert.That(checker.Violations, Is.Empty);
        });
    }

    [Test]
    public void A_joint_configuration_needs_a_majority_of_both_halves()
    {
        var net = Cluster();
        net.AddNode(N(4), new MemoryRaftLog());
        var change = new ConfigChange
        {
            Items = [new(ConfigChangeType.AddVoter, N(4)), new(ConfigChangeType.RemoveNode, N(3))],
            Transition = ConfigChangeTransition.JointExplicit,
        };
        net[1].Core.ProposeConfigChange(change);
        net.Stabilize();
        var joint = net[1].Core.Configuration;
        Assert.Multiple(() =>
        {
            Assert.That(joint.IsJoint, Is.True);
            Assert.That(joint.Voters, Is.EqualTo(new[] { N(1), N(2), N(4) }));
            Assert.That(joint.VotersOutgoing, Is.EqualTo(new[] { N(1), N(2), N(3) }));
        });

        // {1, 4} is a majority of the new voters but not of the old ones.
        net.Isolate(2);
        net.Isolate(3);
        var commit = net[1].Core.CommitIndex;
        net.Propose(1, "joint");
        Assert.That(net[1].Core.CommitIndex, Is.EqualTo(commit));

        // {1, 2} is a majority of both halves, so the entry commits without 3 and 4.
        net.Recover();
        net.Isolate(3);
        net.Isolate(4);
        net.TickAll(2);
        Assert.That(net[1].Core.CommitIndex, Is.GreaterThan(commit));

        Assert.Throws<InvalidOperationException>(() => net[1].Core.ProposeConfigChange(ConfigChange.AddVoter(N(5))), "no other change while joint");
        net.Recover();
        net[1].Core.ProposeConfigChange(ConfigChange.LeaveJoint());
        net.Stabilize();
        Assert.That(net[1].Core.Configuration, Is.EqualTo(Voters(1, 2, 4)));
    }

    [Test]
    public void Only_one_configuration_change_may_be_pending()
    {
        var net = Cluster();
        net.Isolate(1);
        net[1].Core.ProposeConfigChange(ConfigChange.AddLearner(N(4)));
        var error = Assert.Throws<ProposalRejectedException>(() => net[1].Core.ProposeConfigChange(ConfigChange.AddLearner(N(5))));
        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(ProposalRejectionReason.ConfigChangePending));
            Assert.That(error.Message, Does.Contain("only one change may be pending"));
        });

        net.Recover();
        net.TickAll(2);
        Assert.That(() => net[1].Core.ProposeConfigChange(ConfigChange.AddLearner(N(5))), Throws.Nothing, "accepted once the first is applied");
    }

    [Test]
    public void A_learner_receives_the_log_but_neither_votes_nor_campaigns_nor_counts_for_commit()
    {
        var net = Cluster();
        net.AddNode(N(4), new MemoryRaftLog());
        net[1].Core.ProposeConfigChange(ConfigChange.AddLearner(N(4)));
        net.Stabilize();
        net.Propose(1, "a");
        Assert.Multiple(() =>
        {
            Assert.That(net[4].StateMachine, Is.EqualTo(new[] { "a" }));
            Assert.That(net[1].Core.Configuration.Learners, Is.EqualTo(new[] { N(4) }));
        });

        net.Isolate(2);
        net.Isolate(3);
        var commit = net[1].Core.CommitIndex;
        net.Propose(1, "b");
        Assert.That(net[1].Core.CommitIndex, Is.EqualTo(commit), "leader + learner is not a quorum");

        var term = net[4].Core.Term;
        net.Isolate(1);
        net.Tick(4, 100);
        Assert.Multiple(() =>
        {
            Assert.That(net[4].Core.Role, Is.EqualTo(RaftRole.Follower));
            Assert.That(net[4].Core.Term, Is.EqualTo(term));
        });
    }

    [Test]
    public void A_learner_is_promoted_automatically_once_caught_up_when_enabled()
    {
        var net = Cluster(new RaftOptions { AutoPromoteLearners = true });
        for (var i = 0; i < 5; i++)
        {
            net.Propose(1, $"c{i}");
        }

        net.AddNode(N(4), new MemoryRaftLog());
        net[1].Core.ProposeConfigChange(ConfigChange.AddLearner(N(4)));
        net.Stabilize();
        net.TickAll(2);
        Assert.Multiple(() =>
        {
            Assert.That(net[1].Core.Configuration, Is.EqualTo(Voters(1, 2, 3, 4)));
            Assert.That(net[4].Core.Configuration, Is.EqualTo(Voters(1, 2, 3, 4)));
            Assert.That(net[4].StateMachine, Has.Count.EqualTo(5));
        });
    }

    [Test]
    public void A_learner_is_not_promoted_automatically_by_default()
    {
        var net = Cluster();
        net.AddNode(N(4), new MemoryRaftLog());
        net[1].Core.ProposeConfigChange(ConfigChange.AddLearner(N(4)));
        net.Stabilize();
        net.TickAll(2);
        Assert.That(net[1].Core.Configuration.Learners, Is.EqualTo(new[] { N(4) }));
        net[1].Core.ProposeConfigChange(ConfigChange.AddVoter(N(4)));
        net.Stabilize();
        Assert.That(net[1].Core.Configuration, Is.EqualTo(Voters(1, 2, 3, 4)));
    }

    [Test]
    public void A_removed_leader_steps_down_and_the_rest_elect_a_new_one()
    {
        var net = Cluster();
        var checker = new SafetyChecker(net);
        net[1].Core.ProposeConfigChange(ConfigChange.RemoveNode(N(1)));
        net.Stabilize();
        Assert.That(net[1].Core.Role, Is.EqualTo(RaftRole.Follower));
        var term = net[1].Core.Term;
        net.TickAll(40);
        var leader = net.Leader;
        Assert.Multiple(() =>
        {
            Assert.That(leader, Is.Not.Null);
            Assert.That(leader!.Id, Is.Not.EqualTo(N(1)));
            Assert.That(net[1].Core.Term, Is.EqualTo(term), "the removed node does not campaign");
            Assert.That(checker.Violations, Is.Empty);
        });
        net.Propose(leader.Id.Value, "without 1");
        Assert.That(new ulong[] { 2, 3 }.Select(id => net[id].StateMachine.LastOrDefault()), Is.All.EqualTo("without 1"));
    }

    [Test]
    public void A_removed_leader_hands_leadership_to_a_caught_up_voter_at_once()
    {
        var net = Cluster();
        net[1].Core.ProposeConfigChange(ConfigChange.RemoveNode(N(1)));
        net.Stabilize();
        Assert.Multiple(() =>
        {
            Assert.That(net.Delivered.Count(m => m.Type == MessageType.TimeoutNow && m.From == N(1)), Is.EqualTo(1));
            Assert.That(net.Leader?.Id, Is.EqualTo(N(2)), "no election timeout was needed");
        });
    }

    [Test]
    public void A_node_does_not_campaign_while_a_committed_configuration_change_is_unapplied()
    {
        var solo = new Solo(2, [1, 2, 3]);
        var change = new LogEntry { Index = 1, Term = 1, Kind = EntryKind.ConfigChange, Data = ConfigChange.AddLearner(N(4)).Encode() };
        solo.Step(Make(MessageType.Append, 1, 2, 1) with { Entries = [change], Commit = 1 });
        solo.Core.Campaign();
        Assert.That(solo.Core.Role, Is.EqualTo(RaftRole.Follower), "Raft thesis §4.1: the change must be applied first");
        solo.ReadMessages();
        Assert.That(solo.Core.Configuration.Learners, Is.EqualTo(new[] { N(4) }));
        solo.Core.Campaign();
        Assert.That(solo.Core.Role, Is.EqualTo(RaftRole.Candidate));
    }

    [Test]
    public void A_change_that_would_leave_no_voters_is_refused()
    {
        var net = Cluster(null, 1);
        Assert.Throws<InvalidOperationException>(() => net[1].Core.ProposeConfigChange(ConfigChange.RemoveNode(N(1))));
    }

    [Test]
    public void A_new_leader_leaves_a_joint_configuration_its_predecessor_entered()
    {
        var net = Cluster();
        net.AddNode(N(4), new MemoryRaftLog());
        var change = new ConfigChange { Items = [new(ConfigChangeType.AddVoter, N(4)), new(ConfigChangeType.RemoveNode, N(3))] };

        // The old leader's leave-joint entry never gets out.
        net.Filter = m => m.From == N(1) && m.Type == MessageType.Append && m.Entries.Any(e => e.Kind == EntryKind.ConfigChange && ConfigChange.Decode(e.Data).IsLeaveJoint) ? null : m;
        net[1].Core.ProposeConfigChange(change);
        net.Stabilize();
        Assert.That(net[2].Core.Configuration.IsJoint, Is.True);
        net.Filter = null;
        net[1].IsDown = true;
        net.TickAll(40);
        var leader = net.Leader!;
        Assert.Multiple(() =>
        {
            Assert.That(leader.Id, Is.Not.EqualTo(N(1)));
            Assert.That(leader.Core.Configuration, Is.EqualTo(Voters(1, 2, 4)));
        });
    }
}
