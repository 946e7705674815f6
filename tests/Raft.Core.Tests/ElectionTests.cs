using Cluster.Core;
using Raft.Core.Tests.Infrastructure;
using static Raft.Core.Tests.Infrastructure.Msg;

namespace Raft.Core.Tests;

public sealed class ElectionTests
{
    private static void TickUntilLeader(TestNetwork net, int maxRounds = 100)
    {
        for (var i = 0; i < maxRounds && net.Leader is null; i++)
        {
            net.TickAll(1);
        }

        Assert.That(net.Leader, Is.Not.Null, "a leader is elected");
    }

    [Test]
    public void Ticking_elects_exactly_one_leader_that_everyone_follows()
    {
        var net = new TestNetwork(7, TestNetwork.DefaultOptions(), 1, 2, 3, 4, 5);
        TickUntilLeader(net);
        var leader = net.Leader!;
        Assert.Multiple(() =>
        {
            Assert.That(net.Nodes.Values.Count(n => n.Core.Role == RaftRole.Leader), Is.EqualTo(1));
            Assert.That(net.Nodes.Values.Select(n => n.Core.Leader).Distinct(), Is.EqualTo(new[] { leader.Id }));
            Assert.That(net.Nodes.Values.Select(n => n.Core.Term).Distinct(), Is.EqualTo(new[] { leader.Core.Term }));
        });
    }

    [Test]
    public void An_isolated_leader_is_replaced_and_rejoins_as_follower()
    {
        var net = new TestNetwork(1, 2, 3);
        net.Campaign(1);
        var oldTerm = net[1].Core.Term;
        net.Isolate(1);
        net.TickAll(40);
        var leader = net.Nodes.Values.Where(n => n.Id != N(1) && n.Core.Role == RaftRole.Leader).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(leader, Has.Count.EqualTo(1), "the majority side elects a new leader");
            Assert.That(leader[0].Core.Term, Is.GreaterThan(oldTerm));
            Assert.That(net[1].Core.Role, Is.Not.EqualTo(RaftRole.Leader), "CheckQuorum makes the isolated leader step down");
            Assert.That(net[1].Core.Term, Is.EqualTo(oldTerm), "PreVote keeps the isolated node's term");
        });

        net.Recover();
        net.TickAll(3);
        net.Propose(leader[0].Id.Value, "after");
        Assert.Multiple(() =>
        {
            Assert.That(net[1].Core.Leader, Is.EqualTo(leader[0].Id));
            Assert.That(net[1].StateMachine, Is.EqualTo(new[] { "after" }));
        });
    }

    [TestCase(true, TestName = "PreVote_keeps_a_partitioned_node_from_inflating_its_term")]
    [TestCase(false, TestName = "Without_PreVote_a_partitioned_node_inflates_its_term_and_disrupts_the_leader")]
    public void PreVote(bool preVote)
    {
        var options = new RaftOptions { PreVote = preVote, CheckQuorum = false };
        var net = new TestNetwork(3, options, 1, 2, 3);
        net.Campaign(1);
        var term = net[1].Core.Term;
        net.Isolate(3);
        net.TickAll(100);
        net.Recover();
        net.TickAll(30);
        if (preVote)
        {
            Assert.Multiple(() =>
            {
                Assert.That(net[3].Core.Term, Is.EqualTo(term), "pre-votes never succeed, so the term never rises");
                Assert.That(net[1].Core.Role, Is.EqualTo(RaftRole.Leader), "the leader is not disturbed when the node returns");
                Assert.That(net[1].Core.Term, Is.EqualTo(term));
            });
        }
        else
        {
            Assert.That(net.Leader!.Core.Term, Is.GreaterThan(term + 5), "the returning node's inflated term forces a new election");
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public void CheckQuorum_makes_a_leader_without_a_quorum_step_down(bool checkQuorum)
    {
        var options = new RaftOptions { CheckQuorum = checkQuorum };
        var net = new TestNetwork(1, options, 1, 2, 3);
        net.Campaign(1);
        net.Isolate(1);

        // The quorum is checked once per election timeout over the interval just ended, so silence is noticed within two timeouts.
        net.Tick(1, 2 * options.ElectionTimeoutTicks);
        Assert.That(net[1].Core.Role, Is.EqualTo(checkQuorum ? RaftRole.Follower : RaftRole.Leader));
    }

    [Test]
    public void A_follower_that_hears_from_its_leader_ignores_vote_requests_until_the_election_timeout()
    {
        var net = new TestNetwork(1, 2, 3);
        net.Campaign(1);
        var term = net[2].Core.Term;
        var request = Make(MessageType.Vote, 3, 2, term + 1) with { Index = net[3].Core.LastIndex, LogTerm = net[3].Core.LastTerm };
        net[2].Core.Step(request);
        Assert.Multiple(() =>
        {
            Assert.That(net[2].Core.Term, Is.EqualTo(term), "stickiness: the vote request is ignored");
            Assert.That(net[2].ProcessReady(), Is.Empty);
        });

        net.Isolate(2);
        net.Tick(2, net.Options.ElectionTimeoutTicks);
        net[2].Core.Step(request);
        Assert.That(net[2].Core.Vote, Is.EqualTo(N(3)), "after an election timeout without the leader the vote is granted");
    }

    [Test]
    public void A_leadership_transfer_vote_overrides_stickiness()
    {
        var net = new TestNetwork(1, 2, 3);
        net.Campaign(1);
        var term = net[2].Core.Term;
        net[2].Core.Step(Make(MessageType.Vote, 3, 2, term + 1) with { Index = net[3].Core.LastIndex, LogTerm = net[3].Core.LastTerm, LeaderTransfer = true });
        Assert.That(net[2].Core.Vote, Is.EqualTo(N(3)));
    }

    [Test]
    public void A_single_voter_cluster_elects_itself_and_commits_alone()
    {
        var net = new TestNetwork(1, TestNetwork.DefaultOptions(), 1);
        net.Campaign(1);
        net.Propose(1, "solo");
        Assert.Multiple(() =>
        {
            Assert.That(net[1].Core.Role, Is.EqualTo(RaftRole.Leader));
            Assert.That(net[1].StateMachine, Is.EqualTo(new[] { "solo" }));
        });
    }

    [Test]
    public void A_candidate_with_a_stale_log_loses_and_returns_to_follower()
    {
        var net = new TestNetwork(1, new RaftOptions { PreVote = false, CheckQuorum = false }, 1, 2, 3);
        net.Campaign(1);
        net.Isolate(3);
        net.Propose(1, "missed by 3");
        net.Recover();
        net.Queue.Clear();
        net[3].Core.Campaign();
        net.Stabilize();
        Assert.That(net[3].Core.Role, Is.EqualTo(RaftRole.Follower), "Raft §5.4.1: nodes with newer logs refuse the vote");
        net.TickAll(50);
        Assert.Multiple(() =>
        {
            Assert.That(net.Leader!.Id, Is.Not.EqualTo(N(3)));
            Assert.That(net[3].StateMachine, Is.EqualTo(new[] { "missed by 3" }));
        });
    }
}
