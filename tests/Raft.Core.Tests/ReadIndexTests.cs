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
        var net = new TestNetwork(1, options, 1, 2, 3);
        for (var i = 0; i < 50 && net.Leader is null; i++)
        {
            net.TickAll(1);
        }

        var leader = net.Leader!;
        net.Propose(leader.Id.Value, "a");
        net.TickAll(1);
        leader.Core.ReadIndex(Context("lease"));
        var ready = leader.ProcessReady();
        Assert.Multiple(() =>
        {
            Assert.That(leader.ReadStates.Single().Index, Is.EqualTo(leader.Core.CommitIndex));
            Assert.That(ready.Where(m => !m.Context.IsEmpty), Is.Empty, "no confirmation round while the lease holds");
        });

        // Heartbeats go out but nothing comes back: the lease lasts ElectionTimeoutTicks - LeaseClockDriftBoundTicks after the last acknowledged one.
        net.Isolate(leader.Id.Value);
        net.Tick(leader.Id.Value, options.ElectionTimeoutTicks - options.LeaseClockDriftBoundTicks - 1);
        leader.Core.ReadIndex(Context("still"));
        net.ProcessReady(leader);
        Assert.That(leader.ReadStates, Has.Count.EqualTo(2));
        net.Tick(leader.Id.Value, 1);
        leader.Core.ReadIndex(Context("expired"));
        net.ProcessReady(leader);
        Assert.That(leader.ReadStates, Has.Count.EqualTo(2), "the expired lease needs a quorum round, which cannot happen");
    }

    [Test]
    public void A_partitioned_lease_holder_stops_serving_reads_before_a_new_leader_can_commit()
    {
        var options = new RaftOptions { ReadOnlyMode = ReadOnlyMode.LeaseBased, LeaseClockDriftBoundTicks = 1 };
        var net = new TestNetwork(5, options, 1, 2, 3);
        for (var i = 0; i < 50 && net.Leader is null; i++)
        {
            net.TickAll(1);
        }

        var old = net.Leader!;
        net.Propose(old.Id.Value, "a");
        net.TickAll(1);
        net.Isolate(old.Id.Value);
        var floors = new Dictionary<string, ulong>();
        TestNode? successor = null;
        for (var round = 0; round < 40; round++)
        {
            net.TickAll(1);
            if (successor is null && net.Nodes.Values.FirstOrDefault(n => n != old && n.Core.Role == RaftRole.Leader) is { } elected)
            {
                successor = elected;
                net.Propose(elected.Id.Value, "b");
            }

            var context = $"r{round}";
            floors[context] = net.Nodes.Values.Max(n => n.Core.CommitIndex);
            if (old.Core.Role == RaftRole.Leader)
            {
                old.Core.ReadIndex(Context(context));
                net.ProcessReady(old);
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(successor?.StateMachine, Is.EqualTo(new[] { "a", "b" }), "the majority elected a new leader and committed a write");
            Assert.That(old.ReadStates, Is.Not.Empty, "the old leader served lease reads right after the partition");
            foreach (var read in old.ReadStates)
            {
                var context = Encoding.UTF8.GetString(read.Context.Span);
                Assert.That(read.Index, Is.GreaterThanOrEqualTo(floors[context]), $"read {context} saw every committed write");
            }
        });
    }

    [Test]
    public void A_leader_that_started_a_transfer_gives_up_its_lease_for_the_term()
    {
        var options = new RaftOptions { ReadOnlyMode = ReadOnlyMode.LeaseBased };
        var net = new TestNetwork(1, options, 1, 2, 3);
        for (var i = 0; i < 50 && net.Leader is null; i++)
        {
            net.TickAll(1);
        }

        var leader = net.Leader!;
        var target = net.Nodes.Keys.First(id => id != leader.Id);
        net.Isolate(target.Value);
        leader.Core.TransferLeadership(target);
        net.TickAll(options.ElectionTimeoutTicks + 1);
        Assert.That(leader.Core.LeadTransferee.IsNone, Is.True, "the transfer was abandoned");
        leader.Core.ReadIndex(Context("after transfer"));
        var ready = leader.ProcessReady();
        Assert.Multiple(() =>
        {
            Assert.That(leader.ReadStates, Is.Empty, "no lease read");
            Assert.That(ready.Where(m => m.Type == MessageType.Heartbeat && !m.Context.IsEmpty), Is.Not.Empty, "a heartbeat round instead");
        });
    }

    [Test]
    public void With_lease_reads_a_freshly_started_node_ignores_vote_requests_for_an_election_timeout()
    {
        var options = new RaftOptions { ReadOnlyMode = ReadOnlyMode.LeaseBased };
        var solo = new Solo(1, [1, 2, 3], options);
        solo.Step(Make(MessageType.Vote, 2, 1, 1));
        Assert.That(solo.Core.Vote.IsNone, Is.True, "it may have acknowledged a lease before it restarted");
        solo.Tick(options.ElectionTimeoutTicks);
        solo.ReadMessages();
        solo.Step(Make(MessageType.Vote, 2, 1, solo.Core.Term + 1));
        Assert.That(solo.Core.Vote, Is.EqualTo(N(2)));
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
