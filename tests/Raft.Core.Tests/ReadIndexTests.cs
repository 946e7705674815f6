using System.Text;
using Raft.Core.Tests.Infrastructure;
using static Raft.Core.Tests.Infrastructure.Msg;

namespace Raft.Core.Tests;

public sealed class ReadIndexTests
{
    private static TestNetwork Cluster(RaftOptions? options = null)
    {
        var net = new TestNetwork(1, options ?? TestNetwork.DefaultOptions(), 1, 2, 3);
        net.Campaign(1);
        net.Propose(1, "a");
        return net;
    }

    private static byte[] Context(string text) => Encoding.UTF8.GetBytes(text);

    [Test]
    public void A_leader_confirms_a_read_with_a_heartbeat_round_at_its_commit_index()
    {
        var net = Cluster();
        net[1].Core.ReadIndex(Context("r1"));
        net.Stabilize();
        var read = net[1].ReadStates.Single();
        Assert.Multiple(() =>
        {
            Assert.That(read.Index, Is.EqualTo(net[1].Core.CommitIndex));
            Assert.That(Encoding.UTF8.GetString(read.Context.Span), Is.EqualTo("r1"));
            Assert.That(net.Delivered.Count(m => m.Type == MessageType.HeartbeatResponse && !m.Context.IsEmpty), Is.GreaterThanOrEqualTo(1));
        });
    }

    [Test]
    public void A_follower_forwards_the_read_to_the_leader_and_gets_the_index_back()
    {
        var net = Cluster();
        net[2].Core.ReadIndex(Context("r2"));
        net.Stabilize();
        var read = net[2].ReadStates.Single();
        Assert.Multiple(() =>
        {
            Assert.That(read.Index, Is.EqualTo(net[1].Core.CommitIndex));
            Assert.That(Encoding.UTF8.GetString(read.Context.Span), Is.EqualTo("r2"));
            Assert.That(net.Delivered.Any(m => m.Type == MessageType.ReadIndex && m.To == N(1)), Is.True);
        });
    }

    [Test]
    public void An_isolated_leader_cannot_confirm_a_read()
    {
        var net = Cluster();
        net.Isolate(1);
        net[1].Core.ReadIndex(Context("r"));
        net.Stabilize();
        net.Tick(1, 3);
        Assert.That(net[1].ReadStates, Is.Empty);
    }

    [Test]
    public void A_new_leader_answers_reads_only_after_committing_an_entry_of_its_term()
    {
        var solo = new Solo(1, [1, 2, 3]);
        solo.BecomeLeader();
        solo.ReadMessages();
        solo.Core.ReadIndex(Context("early"));
        var messages = solo.ReadMessages();
        Assert.That(messages.Where(m => !m.Context.IsEmpty), Is.Empty, "no confirmation round before the no-op commits");

        solo.Step(Make(MessageType.AppendResponse, 2, 1, 1) with { Index = solo.Core.LastIndex });
        var heartbeats = solo.ReadMessages().Where(m => m.Type == MessageType.Heartbeat && !m.Context.IsEmpty).ToList();
        Assert.That(heartbeats, Has.Count.EqualTo(2));
        solo.Step(Make(MessageType.HeartbeatResponse, 3, 1, 1) with { Context = heartbeats[0].Context });
        solo.ReadMessages();
        Assert.That(solo.ReadStates.Single().Index, Is.EqualTo(solo.Core.CommitIndex));
    }

    [Test]
    public void Reads_are_released_in_order_when_a_later_one_is_confirmed()
    {
        var solo = new Solo(1, [1, 2, 3]);
        solo.BecomeLeader();
        solo.Step(Make(MessageType.AppendResponse, 2, 1, 1) with { Index = solo.Core.LastIndex });
        solo.ReadMessages();
        solo.Core.ReadIndex(Context("first"));
        solo.Core.ReadIndex(Context("second"));
        solo.ReadMessages();
        solo.Step(Make(MessageType.HeartbeatResponse, 2, 1, 1) with { Context = Context("second") });
        solo.ReadMessages();
        Assert.That(solo.ReadStates.Select(r => Encoding.UTF8.GetString(r.Context.Span)), Is.EqualTo(new[] { "first", "second" }));
    }

    [Test]
    public void A_lease_holder_answers_at_once_and_falls_back_to_a_heartbeat_round_when_the_lease_expires()
    {
        var options = new RaftOptions { ReadOnlyMode = ReadOnlyMode.LeaseBased, LeaseClockDriftBoundTicks = 2 };
        var net = Cluster(options);
        net.TickAll(1);
        net[1].Core.ReadIndex(Context("lease"));
        var ready = net[1].ProcessReady();
        Assert.Multiple(() =>
        {
            Assert.That(net[1].ReadStates.Single().Index, Is.EqualTo(net[1].Core.CommitIndex));
            Assert.That(ready.Where(m => !m.Context.IsEmpty), Is.Empty, "no confirmation round while the lease holds");
        });

        // Heartbeats go out but nothing comes back: the lease lasts ElectionTimeoutTicks - LeaseClockDriftBoundTicks after the last acknowledged one.
        net.Isolate(1);
        net.Tick(1, options.ElectionTimeoutTicks - options.LeaseClockDriftBoundTicks - 1);
        net[1].Core.ReadIndex(Context("still"));
        net.ProcessReady(net[1]);
        Assert.That(net[1].ReadStates, Has.Count.EqualTo(2));
        net.Tick(1, 1);
        net[1].Core.ReadIndex(Context("expired"));
        net.ProcessReady(net[1]);
        Assert.That(net[1].ReadStates, Has.Count.EqualTo(2), "the expired lease needs a quorum round, which cannot happen");
    }

    [Test]
    public void A_read_on_a_node_without_a_leader_throws()
    {
        var solo = new Solo(1, [1, 2, 3]);
        Assert.That(() => solo.Core.ReadIndex(Context("x")), Throws.TypeOf<NotLeaderException>());
    }

    [Test]
    public void Too_many_pending_reads_are_refused()
    {
        var net = Cluster(new RaftOptions { MaxPendingReadRequests = 2 });
        net.Isolate(1);
        net[1].Core.ReadIndex(Context("1"));
        net[1].Core.ReadIndex(Context("2"));
        var error = Assert.Throws<ProposalRejectedException>(() => net[1].Core.ReadIndex(Context("3")));
        Assert.That(error!.Reason, Is.EqualTo(ProposalRejectionReason.TooManyPendingReads));
    }
}
