using System.Text;
using Cluster.Core;
using Raft.Core.Tests.Infrastructure;
using static Raft.Core.Tests.Infrastructure.Msg;

namespace Raft.Core.Tests;

public sealed class ReplicationTests
{
    private static readonly ulong[] Three = [1, 2, 3];

    [Test]
    public void Fast_backtracking_needs_one_round_trip_per_conflicting_term_not_per_entry()
    {
        // Follower 3 holds 500 uncommitted entries spread over terms 2..11; the leader's log has only term 12 after index 1.
        var divergent = new List<ulong> { 1 };
        for (ulong term = 2; term <= 11; term++)
        {
            divergent.AddRange(Enumerable.Repeat(term, 50));
        }

        ulong[] leaderLog = [1, .. Enumerable.Repeat(12UL, 600)];
        var storages = new Dictionary<ulong, MemoryRaftLog>
        {
            [1] = Solo.CreateStorage(Three, leaderLog),
            [2] = Solo.CreateStorage(Three, leaderLog),
            [3] = Solo.CreateStorage(Three, [.. divergent]),
        };
        foreach (var storage in storages.Values)
        {
            storage.SetHardState(new HardState(12, NodeId.None, 1));
        }

        var net = new TestNetwork(1, Solo.PaperOptions(), storages);
        net.Campaign(1);
        var rejections = net.Delivered.Count(m => m.Type == MessageType.AppendResponse && m.From == N(3) && m.Reject);
        Assert.Multiple(() =>
        {
            Assert.That(rejections, Is.LessThanOrEqualTo(12), "at most one rejection per conflicting term, plus one for the short log");
            Assert.That(rejections, Is.GreaterThanOrEqualTo(10), "each of the ten conflicting terms costs one round trip");
            Assert.That(net[3].Storage.LastIndex, Is.EqualTo(net[1].Storage.LastIndex));
            Assert.That(net[3].Storage.Term(net[3].Storage.LastIndex), Is.EqualTo(net[1].Core.Term));
            Assert.That(net[3].Core.CommitIndex, Is.EqualTo(net[1].Core.CommitIndex));
        });
    }

    [Test]
    public void Proposals_between_two_readies_go_out_in_one_append_per_follower()
    {
        var net = new TestNetwork(1, 2, 3);
        net.Campaign(1);
        for (var i = 0; i < 10; i++)
        {
            net[1].Core.Propose(Encoding.UTF8.GetBytes($"c{i}"));
        }

        var appends = net[1].ProcessReady().Where(m => m.Type == MessageType.Append).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(appends.Select(m => m.To.Value), Is.EquivalentTo(new ulong[] { 2, 3 }));
            Assert.That(appends.All(m => m.Entries.Count == 10), Is.True);
        });
    }

    [TestCase(3, RaftOptions.DefaultMaxInflightBytes, TestName = "Flow_control_limits_inflight_appends_by_count")]
    [TestCase(100, 3 * 100L, TestName = "Flow_control_limits_inflight_appends_by_bytes")]
    public void FlowControl(int maxMessages, long maxBytes)
    {
        // Each 76-byte payload plus overhead is 100 bytes, and one message carries at most 100 bytes: one entry per Append.
        var options = new RaftOptions { MaxInflightMessages = maxMessages, MaxInflightBytes = maxBytes, MaxSizePerMessageBytes = 100 };
        var net = new TestNetwork(1, options, 1, 2, 3);
        net.Campaign(1);
        Assert.That(net[1].Core.GetProgressState(N(2)), Is.EqualTo(ProgressState.Replicate));
        var start = net.Delivered.Count;
        net.Filter = m => m.Type == MessageType.AppendResponse && m.From == N(2) ? null : m;
        for (var i = 0; i < 20; i++)
        {
            net.Propose(1, new string('x', 76 - 2) + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture));
        }

        var toTwo = net.Delivered.Skip(start).Count(m => m.Type == MessageType.Append && m.To == N(2) && m.Entries.Count > 0);
        Assert.Multiple(() =>
        {
            Assert.That(toTwo, Is.EqualTo(3), "only a window's worth of appends is sent without acknowledgements");
            Assert.That(net[3].StateMachine, Has.Count.EqualTo(20), "the other follower is unaffected");
            Assert.That(net[1].Core.CommitIndex, Is.EqualTo(net[1].Core.LastIndex));
        });

        net.Filter = null;
        net.TickAll(25);
        Assert.That(net[2].StateMachine, Is.EqualTo(net[3].StateMachine), "acknowledgements reopen the window and the follower catches up");
    }

    [Test]
    public void Figure_8_an_entry_from_an_earlier_term_is_not_committed_by_counting_replicas()
    {
        var options = new RaftOptions { PreVote = false, CheckQuorum = false, MaxSizePerMessageBytes = 1 };
        var net = new TestNetwork(1, options, 1, 2, 3, 4, 5);
        var checker = new SafetyChecker(net);
        net.Campaign(1);

        // (a) S1 leads term 2 and replicates index 3 only to S2.
        foreach (var other in new ulong[] { 3, 4, 5 })
        {
            net.Cut(1, other);
        }

        var index = net.Propose(1, "x");
        Assert.That(index, Is.EqualTo(3));

        // (b) S1 crashes; S5 is elected in term 3 by S3, S4 and itself, and appends index 3 in term 3 that nobody receives.
        net[1].IsDown = true;
        net.Recover();
        net.Cut(5, 2);
        net.Filter = m => m.From == N(5) && m.Type == MessageType.Append ? null : m;
        net.Campaign(5);
        Assert.That(net[5].Core.Role, Is.EqualTo(RaftRole.Leader));
        Assert.That(net[5].Core.Term, Is.EqualTo(3));
        net[5].IsDown = true;
        net.Recover();
        net.Filter = null;

        // (c) S1 restarts and is elected in term 4; it replicates index 3 (term 2) to S3, but its own term-4 entry reaches nobody.
        net[1].Restart();
        net[1].IsDown = false;
        net.Filter = m => m.Type == MessageType.Append && m.Entries.Any(e => e.Term == 4)
            ? m with { Entries = [.. m.Entries.TakeWhile(e => e.Term != 4)] }
            : m;
        for (var attempt = 0; attempt < 3 && net[1].Core.Role != RaftRole.Leader; attempt++)
        {
            net.Campaign(1);
        }

        Assert.That(net[1].Core.Role, Is.EqualTo(RaftRole.Leader));
        Assert.Multiple(() =>
        {
            Assert.That(new ulong[] { 1, 2, 3 }.Select(id => net[id].Storage.Term(3)), Is.All.EqualTo(2UL), "a majority stores index 3 of term 2");
            Assert.That(net[1].Core.CommitIndex, Is.EqualTo(2), "but it must not commit: it is not of the leader's term (Raft §5.4.2)");
        });

        // (d) S1 crashes; S5 can still be elected (S2, S3, S4 vote for its newer last term) and overwrites index 3.
        net[1].IsDown = true;
        net.Filter = null;
        net[5].Restart();
        net[5].IsDown = false;
        for (var attempt = 0; attempt < 3 && net[5].Core.Role != RaftRole.Leader; attempt++)
        {
            net.Campaign(5);
        }

        Assert.That(net[5].Core.Role, Is.EqualTo(RaftRole.Leader));
        Assert.Multiple(() =>
        {
            Assert.That(new ulong[] { 2, 3, 4, 5 }.Select(id => net[id].Storage.Term(3)), Is.All.EqualTo(3UL));
            Assert.That(net.Live.SelectMany(n => n.StateMachine), Does.Not.Contain("x"), "the overwritten entry was never applied");
            Assert.That(checker.Violations, Is.Empty);
        });
    }

    [Test]
    public void Propose_on_a_follower_throws_with_the_leader_hint()
    {
        var net = new TestNetwork(1, 2, 3);
        net.Campaign(1);
        var error = Assert.Throws<NotLeaderException>(() => net[2].Core.Propose(new byte[] { 1 }));
        Assert.That(error!.LeaderHint, Is.EqualTo(N(1)));
    }

    [Test]
    public void A_proposal_larger_than_a_message_is_refused()
    {
        var net = new TestNetwork(1, new RaftOptions { MaxSizePerMessageBytes = 64 }, 1, 2, 3);
        net.Campaign(1);
        var error = Assert.Throws<ProposalTooLargeException>(() => net[1].Core.Propose(new byte[65]));
        Assert.Multiple(() =>
        {
            Assert.That(error!.LimitBytes, Is.EqualTo(64));
            Assert.That(error.Message, Does.Contain("MaxSizePerMessageBytes"));
        });
    }

    [Test]
    public void Proposals_are_refused_once_uncommitted_entries_reach_the_limit_and_accepted_after_commit()
    {
        var net = new TestNetwork(1, new RaftOptions { MaxUncommittedEntriesBytes = 300, MaxSizePerMessageBytes = 100 }, 1, 2, 3);
        net.Campaign(1);
        net.Isolate(1);
        var accepted = 0;
        var error = Assert.Throws<ProposalRejectedException>(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                net[1].Core.Propose(new byte[50]);
                accepted++;
            }
        });
        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason, Is.EqualTo(ProposalRejectionReason.UncommittedLimitReached));
            Assert.That(accepted, Is.EqualTo(4), "4 × 74 bytes fit in 300");
        });

        net.Recover();
        net.TickAll(2);
        Assert.That(() => net[1].Core.Propose(new byte[50]), Throws.Nothing);
    }

    [Test]
    public void A_follower_that_lost_messages_catches_up_through_heartbeats()
    {
        var net = new TestNetwork(1, 2, 3);
        net.Campaign(1);
        net.Filter = m => m.To == N(3) && m.Type == MessageType.Append ? null : m;
        net.Propose(1, "a");
        net.Propose(1, "b");
        net.Filter = null;
        net.TickAll(3);
        Assert.That(net[3].StateMachine, Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public void An_unreachable_follower_drops_back_to_probing()
    {
        var net = new TestNetwork(1, 2, 3);
        net.Campaign(1);
        Assert.That(net[1].Core.GetProgressState(N(2)), Is.EqualTo(ProgressState.Replicate));
        net[1].Core.ReportUnreachable(N(2));
        Assert.That(net[1].Core.GetProgressState(N(2)), Is.EqualTo(ProgressState.Probe));
        net.Propose(1, "x");
        Assert.Multiple(() =>
        {
            Assert.That(net[1].Core.GetProgressState(N(2)), Is.EqualTo(ProgressState.Replicate), "an acknowledged probe resumes pipelining");
            Assert.That(net[2].StateMachine, Is.EqualTo(new[] { "x" }));
        });
    }

    [Test]
    public void A_full_window_of_lost_appends_is_reopened_by_heartbeats()
    {
        var net = new TestNetwork(1, new RaftOptions { MaxInflightMessages = 2, MaxSizePerMessageBytes = 100 }, 1, 2, 3);
        net.Campaign(1);
        net.Filter = m => m.To == N(2) && m.Type == MessageType.Append ? null : m;
        for (var i = 0; i < 6; i++)
        {
            net.Propose(1, new string('y', 70));
        }

        net.Filter = null;
        net.TickAll(12);
        Assert.That(net[2].StateMachine, Has.Count.EqualTo(6));
    }
}
