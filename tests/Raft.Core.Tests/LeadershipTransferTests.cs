using Raft.Core.Tests.Infrastructure;
using static Raft.Core.Tests.Infrastructure.Msg;

namespace Raft.Core.Tests;

public sealed class LeadershipTransferTests
{
    private static TestNetwork Cluster()
    {
        var net = new TestNetwork(1, 2, 3);
        net.Campaign(1);
        return net;
    }

    [Test]
    public void Leadership_moves_to_an_up_to_date_follower_in_the_next_term()
    {
        var net = Cluster();
        var checker = new SafetyChecker(net);
        var term = net[1].Core.Term;
        net[1].Core.TransferLeadership(N(2));
        net.Stabilize();
        Assert.Multiple(() =>
        {
            Assert.That(net[2].Core.Role, Is.EqualTo(RaftRole.Leader));
            Assert.That(net[2].Core.Term, Is.EqualTo(term + 1));
            Assert.That(net[1].Core.Role, Is.EqualTo(RaftRole.Follower));
            Assert.That(net[1].Core.Leader, Is.EqualTo(N(2)));
            Assert.That(net.Delivered.Count(m => m.Type == MessageType.TimeoutNow), Is.EqualTo(1));
            Assert.That(checker.Violations, Is.Empty);
        });
    }

    [Test]
    public void A_lagging_target_is_caught_up_before_it_is_told_to_campaign()
    {
        var net = Cluster();
        net.Filter = m => m.To == N(3) && m.Type is MessageType.Append or MessageType.Heartbeat ? null : m;
        net.Propose(1, "a");
        net.Propose(1, "b");
        net.Filter = null;
        Assert.That(net[3].StateMachine, Is.Empty);
        net[1].Core.TransferLeadership(N(3));
        net.Stabilize();
        Assert.Multiple(() =>
        {
            Assert.That(net[3].Core.Role, Is.EqualTo(RaftRole.Leader));
            Assert.That(net[3].StateMachine, Is.EqualTo(new[] { "a", "b" }));
        });
    }

    [Test]
    public void Proposals_are_refused_during_a_transfer_and_accepted_again_after_it_is_abandoned()
    {
        var net = Cluster();
        net.Isolate(3);
        net[1].Core.TransferLeadership(N(3));
        net.Stabilize();
        Assert.That(net[1].Core.LeadTransferee, Is.EqualTo(N(3)));
        var error = Assert.Throws<ProposalRejectedException>(() => net[1].Core.Propose(new byte[] { 1 }));
        Assert.That(error!.Reason, Is.EqualTo(ProposalRejectionReason.LeadershipTransferInProgress));

        net.Tick(1, net.Options.ElectionTimeoutTicks);
        Assert.Multiple(() =>
        {
            Assert.That(net[1].Core.Role, Is.EqualTo(RaftRole.Leader));
            Assert.That(net[1].Core.LeadTransferee.IsNone, Is.True, "abandoned after an election timeout");
            Assert.That(() => net[1].Core.Propose(new byte[] { 1 }), Throws.Nothing);
        });
    }

    [Test]
    public void Transfer_requests_that_cannot_work_are_refused()
    {
        var net = Cluster();
        Assert.Multiple(() =>
        {
            Assert.That(() => net[2].Core.TransferLeadership(N(3)), Throws.TypeOf<NotLeaderException>());
            Assert.That(() => net[1].Core.TransferLeadership(N(9)), Throws.ArgumentException);
            Assert.That(() => net[1].Core.TransferLeadership(N(1)), Throws.Nothing, "transferring to itself is a no-op");
        });
    }

    [Test]
    public void A_transfer_to_a_removed_node_is_abandoned()
    {
        var net = Cluster();
        net.Isolate(3);
        net[1].Core.TransferLeadership(N(3));
        Assert.That(net[1].Core.LeadTransferee, Is.EqualTo(N(3)));
        net.Tick(1, net.Options.ElectionTimeoutTicks);
        net[1].Core.ProposeConfigChange(ConfigChange.RemoveNode(N(3)));
        net[1].Core.TransferLeadership(N(3));
        net.Stabilize();
        Assert.That(net[1].Core.LeadTransferee.IsNone, Is.True);
    }
}
