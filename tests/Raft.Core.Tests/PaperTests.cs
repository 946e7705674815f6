using Cluster.Core;
using Raft.Core.Tests.Infrastructure;
using static Raft.Core.Tests.Infrastructure.Msg;

namespace Raft.Core.Tests;

/// <summary>The rules of the Raft paper, §5.1–§5.4, one by one (in the manner of etcd's raft_paper_test.go).</summary>
public sealed class PaperTests
{
    private static readonly ulong[] Three = [1, 2, 3];

    private static Solo NewLeader(ulong[]? peers = null, params ulong[] terms)
    {
        var solo = new Solo(1, peers ?? Three, storage: Solo.CreateStorage(peers ?? Three, terms));
        solo.BecomeLeader();
        solo.ReadMessages();
        return solo;
    }

    /// <summary>Acknowledges the new leader's no-op from every follower, so all of them are in Replicate.</summary>
    private static void CommitNoOp(Solo leader)
    {
        foreach (var id in leader.Core.Configuration.Voters.Where(v => v != leader.Core.Id))
        {
            leader.Step(Make(MessageType.AppendResponse, id.Value, 1, leader.Core.Term) with { Index = leader.Core.LastIndex });
        }

        leader.ReadMessages();
    }

    [TestCase(RaftRole.Follower)]
    [TestCase(RaftRole.Candidate)]
    [TestCase(RaftRole.Leader)]
    public void Section_5_1_a_node_seeing_a_higher_term_adopts_it_and_becomes_follower(RaftRole role)
    {
        var solo = new Solo(1, Three);
        if (role == RaftRole.Candidate)
        {
            solo.Core.Campaign();
        }
        else if (role == RaftRole.Leader)
        {
            solo.BecomeLeader();
        }

        Assert.That(solo.Core.Role, Is.EqualTo(role));
        solo.Step(Make(MessageType.Append, 2, 1, 5));
        Assert.Multiple(() =>
        {
            Assert.That(solo.Core.Term, Is.EqualTo(5));
            Assert.That(solo.Core.Role, Is.EqualTo(RaftRole.Follower));
            Assert.That(solo.Core.Leader, Is.EqualTo(N(2)));
            Assert.That(solo.Core.Vote, Is.EqualTo(NodeId.None));
        });
    }

    [Test]
    public void Section_5_1_a_message_with_a_stale_term_is_ignored()
    {
        var solo = new Solo(1, Three);
        solo.Step(Make(MessageType.Append, 2, 1, 2));
        solo.ReadMessages();
        solo.Step(Make(MessageType.Append, 3, 1, 1) with { Entries = [Entry(1, 1)] });
        Assert.Multiple(() =>
        {
            Assert.That(solo.ReadMessages(), Is.Empty);
            Assert.That(solo.Core.Term, Is.EqualTo(2));
            Assert.That(solo.Core.LastIndex, Is.Zero);
            Assert.That(solo.Core.Leader, Is.EqualTo(N(2)));
        });
    }

    [Test]
    public void Section_5_2_a_node_starts_as_follower()
    {
        var solo = new Solo(1, Three);
        Assert.Multiple(() =>
        {
            Assert.That(solo.Core.Role, Is.EqualTo(RaftRole.Follower));
            Assert.That(solo.Core.Term, Is.Zero);
        });
    }

    [Test]
    public void Section_5_2_the_leader_sends_heartbeats_every_interval()
    {
        var solo = NewLeader();
        solo.Tick(1);
        var messages = solo.ReadMessages();
        Assert.That(messages.Select(m => (m.Type, m.To.Value, m.Term, m.Commit)),
            Is.EquivalentTo(new[] { (MessageType.Heartbeat, 2UL, 1UL, 0UL), (MessageType.Heartbeat, 3UL, 1UL, 0UL) }));
    }

    [TestCase(RaftRole.Follower)]
    [TestCase(RaftRole.Candidate)]
    public void Section_5_2_an_election_timeout_starts_an_election_in_a_new_term(RaftRole role)
    {
        var solo = new Solo(1, Three);
        if (role == RaftRole.Candidate)
        {
            solo.Core.Campaign();
            solo.ReadMessages();
        }

        var termBefore = solo.Core.Term;
        solo.Tick(20);
        var messages = solo.ReadMessages();
        Assert.Multiple(() =>
        {
            Assert.That(solo.Core.Role, Is.EqualTo(RaftRole.Candidate));
            Assert.That(solo.Core.Term, Is.EqualTo(termBefore + 1));
            Assert.That(solo.Core.Vote, Is.EqualTo(N(1)));
            Assert.That(messages.Select(m => (m.Type, m.To.Value, m.Term)),
                Is.EquivalentTo(new[] { (MessageType.Vote, 2UL, termBefore + 1), (MessageType.Vote, 3UL, termBefore + 1) }));
        });
    }

    [TestCase(1, new ulong[0], new ulong[0], RaftRole.Leader)]
    [TestCase(3, new ulong[] { 2, 3 }, new ulong[0], RaftRole.Leader)]
    [TestCase(3, new ulong[] { 2 }, new ulong[0], RaftRole.Leader)]
    [TestCase(5, new ulong[] { 2, 3, 4, 5 }, new ulong[0], RaftRole.Leader)]
    [TestCase(5, new ulong[] { 2, 3 }, new ulong[0], RaftRole.Leader)]
    [TestCase(3, new ulong[0], new ulong[] { 2, 3 }, RaftRole.Follower)]
    [TestCase(5, new ulong[0], new ulong[] { 2, 3, 4 }, RaftRole.Follower)]
    [TestCase(3, new ulong[0], new ulong[0], RaftRole.Candidate)]
    [TestCase(5, new ulong[] { 2 }, new ulong[0], RaftRole.Candidate)]
    [TestCase(5, new ulong[0], new ulong[] { 2, 3 }, RaftRole.Candidate)]
    public void Section_5_2_an_election_is_won_by_a_majority_and_lost_to_one(int size, ulong[] grants, ulong[] rejects, RaftRole expected)
    {
        var peers = Enumerable.Range(1, size).Select(i => (ulong)i).ToArray();
        var solo = new Solo(1, peers);
        solo.Core.Campaign();
        foreach (var id in grants)
        {
            solo.Step(Make(MessageType.VoteResponse, id, 1, 1));
        }

        foreach (var id in rejects)
        {
            solo.Step(Make(MessageType.VoteResponse, id, 1, 1) with { Reject = true });
        }

        Assert.Multiple(() =>
        {
            Assert.That(solo.Core.Role, Is.EqualTo(expected));
            Assert.That(solo.Core.Term, Is.EqualTo(1));
        });
    }

    [TestCase(0UL, 2UL, false)]
    [TestCase(0UL, 3UL, false)]
    [TestCase(2UL, 2UL, false)]
    [TestCase(3UL, 3UL, false)]
    [TestCase(2UL, 3UL, true)]
    [TestCase(3UL, 2UL, true)]
    public void Section_5_2_a_follower_votes_for_at_most_one_candidate_per_term(ulong votedFor, ulong candidate, bool rejected)
    {
        var storage = Solo.CreateStorage(Three);
        storage.SetHardState(new HardState(1, new NodeId(votedFor), 0));
        var solo = new Solo(1, Three, storage: storage);
        solo.Step(Make(MessageType.Vote, candidate, 1, 1));
        var response = solo.ReadMessages().Single();
        Assert.Multiple(() =>
        {
            Assert.That(response.Type, Is.EqualTo(MessageType.VoteResponse));
            Assert.That(response.To, Is.EqualTo(N(candidate)));
            Assert.That(response.Reject, Is.EqualTo(rejected));
            Assert.That(solo.Storage.HardState.Vote, Is.EqualTo(N(rejected ? votedFor : candidate)), "the vote is persisted before the response is sent");
        });
    }

    [TestCase(1UL)]
    [TestCase(2UL)]
    public void Section_5_2_a_candidate_hearing_from_a_leader_of_its_term_or_newer_steps_down(ulong termDelta)
    {
        var solo = new Solo(1, Three);
        solo.Core.Campaign();
        var term = solo.Core.Term + termDelta - 1;
        solo.Step(Make(MessageType.Append, 2, 1, term));
        Assert.Multiple(() =>
        {
            Assert.That(solo.Core.Role, Is.EqualTo(RaftRole.Follower));
            Assert.That(solo.Core.Term, Is.EqualTo(term));
            Assert.That(solo.Core.Leader, Is.EqualTo(N(2)));
        });
    }

    [Test]
    public void Section_5_2_election_timeouts_are_randomized_within_T_to_2T()
    {
        var seen = new HashSet<int>();
        for (var seed = 0; seed < 200; seed++)
        {
            var solo = new Solo(1, Three, seed: seed);
            var ticks = 0;
            while (solo.Core.Role == RaftRole.Follower)
            {
                solo.Core.Tick();
                ticks++;
                Assert.That(ticks, Is.LessThan(20), "the timeout is below 2T");
            }

            Assert.That(ticks, Is.GreaterThanOrEqualTo(10), "the timeout is at least T");
            seen.Add(ticks);
        }

        Assert.That(seen, Has.Count.GreaterThanOrEqualTo(8), "timeouts differ between nodes, so split votes resolve");
    }

    [Test]
    public void Section_5_3_the_leader_appends_a_proposal_and_sends_it_to_every_follower()
    {
        var solo = NewLeader();
        CommitNoOp(solo);
        var last = solo.Core.LastIndex;
        var index = solo.Core.Propose("some data"u8.ToArray());
        var messages = solo.ReadMessages();
        Assert.Multiple(() =>
        {
            Assert.That(index, Is.EqualTo(last + 1));
            Assert.That(solo.Core.LastIndex, Is.EqualTo(last + 1));
            Assert.That(solo.Core.CommitIndex, Is.EqualTo(last));
            Assert.That(messages.Select(m => (m.Type, m.To.Value, m.Index, m.LogTerm, m.Commit)),
                Is.EquivalentTo(new[] { (MessageType.Append, 2UL, last, 1UL, last), (MessageType.Append, 3UL, last, 1UL, last) }));
            Assert.That(messages.All(m => m.Entries.Count == 1 && m.Entries[0].Index == last + 1 && m.Entries[0].Term == 1), Is.True);
        });
    }

    [Test]
    public void Section_5_3_the_leader_commits_once_a_majority_holds_the_entry_and_tells_followers()
    {
        var solo = NewLeader();
        CommitNoOp(solo);
        var index = solo.Core.Propose("some data"u8.ToArray());
        solo.ReadMessages();
        solo.Step(Make(MessageType.AppendResponse, 2, 1, 1) with { Index = index });
        var messages = solo.ReadMessages();
        Assert.Multiple(() =>
        {
            Assert.That(solo.Core.CommitIndex, Is.EqualTo(index));
            Assert.That(solo.Applied.Select(e => e.Index), Does.Contain(index));
            Assert.That(messages.Where(m => m.Type == MessageType.Append).Select(m => (m.To.Value, m.Commit)),
                Is.EquivalentTo(new[] { (2UL, index), (3UL, index) }));
        });
    }

    [TestCase(1, new ulong[0], true)]
    [TestCase(3, new ulong[0], false)]
    [TestCase(3, new ulong[] { 2 }, true)]
    [TestCase(3, new ulong[] { 2, 3 }, true)]
    [TestCase(5, new ulong[0], false)]
    [TestCase(5, new ulong[] { 2 }, false)]
    [TestCase(5, new ulong[] { 2, 3 }, true)]
    [TestCase(5, new ulong[] { 2, 3, 4, 5 }, true)]
    public void Section_5_3_an_entry_commits_exactly_when_a_majority_acknowledges_it(int size, ulong[] acks, bool committed)
    {
        var peers = Enumerable.Range(1, size).Select(i => (ulong)i).ToArray();
        var solo = NewLeader(peers);
        var noOp = solo.Core.LastIndex;
        foreach (var id in acks)
        {
            solo.Step(Make(MessageType.AppendResponse, id, 1, 1) with { Index = noOp });
        }

        solo.ReadMessages();
        Assert.That(solo.Core.CommitIndex, Is.EqualTo(committed ? noOp : 0UL));
    }

    [TestCase(new ulong[0])]
    [TestCase(new ulong[] { 2 })]
    [TestCase(new ulong[] { 1, 1 })]
    [TestCase(new ulong[] { 1, 2 })]
    public void Section_5_3_committing_an_entry_commits_all_preceding_entries(ulong[] previousTerms)
    {
        var solo = NewLeader(null, previousTerms);
        var index = solo.Core.Propose("some data"u8.ToArray());
        solo.ReadMessages();
        solo.Step(Make(MessageType.AppendResponse, 2, 1, solo.Core.Term) with { Index = index });
        solo.ReadMessages();
        Assert.Multiple(() =>
        {
            Assert.That(solo.Core.CommitIndex, Is.EqualTo(index));
            Assert.That(solo.Applied.Select(e => e.Index), Is.EqualTo(Enumerable.Range(1, (int)index).Select(i => (ulong)i)));
        });
    }

    [Test]
    public void Section_5_3_a_follower_commits_what_the_leader_says_is_committed()
    {
        var solo = new Solo(1, Three);
        solo.Step(Make(MessageType.Append, 2, 1, 1) with { Entries = [Entry(1, 1, "a"), Entry(2, 1, "b")], Commit = 1 });
        solo.ReadMessages();
        Assert.Multiple(() =>
        {
            Assert.That(solo.Core.CommitIndex, Is.EqualTo(1));
            Assert.That(solo.Applied.Select(e => e.Index), Is.EqualTo(new ulong[] { 1 }));
        });
    }

    [TestCase(0UL, 0UL, false, 1UL, 0UL, 0UL)]
    [TestCase(1UL, 1UL, false, 1UL, 0UL, 0UL)]
    [TestCase(2UL, 2UL, false, 2UL, 0UL, 0UL)]
    [TestCase(1UL, 2UL, true, 2UL, 2UL, 2UL)]
    [TestCase(3UL, 3UL, true, 3UL, 0UL, 3UL)]
    public void Section_5_3_a_follower_rejects_an_append_whose_previous_entry_it_lacks(
        ulong logTerm, ulong index, bool rejected, ulong responseIndex, ulong conflictTerm, ulong conflictIndex)
    {
        var storage = Solo.CreateStorage(Three, 1, 2);
        storage.SetHardState(new HardState(2, NodeId.None, 1));
        var solo = new Solo(1, Three, storage: storage);
        solo.Step(Make(MessageType.Append, 2, 1, 2) with { LogTerm = logTerm, Index = index, Commit = 1 });
        var response = solo.ReadMessages().Single();
        Assert.Multiple(() =>
        {
            Assert.That(response.Type, Is.EqualTo(MessageType.AppendResponse));
            Assert.That(response.Reject, Is.EqualTo(rejected));
            Assert.That(response.Index, Is.EqualTo(responseIndex));
            Assert.That(response.ConflictTerm, Is.EqualTo(conflictTerm));
            Assert.That(response.ConflictIndex, Is.EqualTo(conflictIndex));
        });
    }

    [TestCase(2UL, 2UL, new ulong[] { 3 }, new ulong[] { 1, 2, 3 })]
    [TestCase(1UL, 1UL, new ulong[] { 3, 4 }, new ulong[] { 1, 3, 4 })]
    [TestCase(0UL, 0UL, new ulong[] { 1 }, new ulong[] { 1, 2 })]
    [TestCase(0UL, 0UL, new ulong[] { 3 }, new ulong[] { 3 })]
    public void Section_5_3_a_follower_deletes_conflicting_entries_and_appends_new_ones(ulong index, ulong logTerm, ulong[] newTerms, ulong[] expected)
    {
        var storage = Solo.CreateStorage(Three, 1, 2);
        var solo = new Solo(1, Three, storage: storage);
        var entries = newTerms.Select((t, i) => Entry(index + 1 + (ulong)i, t)).ToArray();
        solo.Step(Make(MessageType.Append, 2, 1, 4) with { Index = index, LogTerm = logTerm, Entries = entries });
        solo.ReadMessages();
        Assert.That(solo.LogTerms(), Is.EqualTo(expected));
    }

    private static readonly ulong[] Figure7Leader = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];

    [TestCase(new ulong[] { 1, 1, 1, 4, 4, 5, 5, 6, 6 }, TestName = "Section_5_3_figure_7_case_a_missing_one")]
    [TestCase(new ulong[] { 1, 1, 1, 4 }, TestName = "Section_5_3_figure_7_case_b_missing_many")]
    [TestCase(new ulong[] { 1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6 }, TestName = "Section_5_3_figure_7_case_c_one_extra")]
    [TestCase(new ulong[] { 1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7 }, TestName = "Section_5_3_figure_7_case_d_extra_of_a_later_term")]
    [TestCase(new ulong[] { 1, 1, 1, 4, 4, 4, 4 }, TestName = "Section_5_3_figure_7_case_e_missing_and_extra")]
    [TestCase(new ulong[] { 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3 }, TestName = "Section_5_3_figure_7_case_f_diverged_terms")]
    public void Figure7(ulong[] followerTerms)
    {
        var storages = new Dictionary<ulong, MemoryRaftLog>
        {
            [1] = Solo.CreateStorage(Three, Figure7Leader),
            [2] = Solo.CreateStorage(Three, followerTerms),
            [3] = Solo.CreateStorage(Three, Figure7Leader),
        };
        foreach (var storage in storages.Values)
        {
            storage.SetHardState(new HardState(8, NodeId.None, 0));
        }

        var net = new TestNetwork(1, Solo.PaperOptions(), storages);
        net.Campaign(1);
        Assert.That(net[1].Core.Role, Is.EqualTo(RaftRole.Leader));
        var leaderLog = Terms(net[1].Storage);
        Assert.Multiple(() =>
        {
            Assert.That(leaderLog.Take(Figure7Leader.Length), Is.EqualTo(Figure7Leader));
            Assert.That(Terms(net[2].Storage), Is.EqualTo(leaderLog), "the follower's log is made identical to the leader's");
            Assert.That(net[2].Core.CommitIndex, Is.EqualTo(net[1].Core.CommitIndex));
        });
    }

    private static ulong[] Terms(MemoryRaftLog storage) =>
        [.. Enumerable.Range(1, (int)storage.LastIndex).Select(i => storage.Term((ulong)i))];

    [Test]
    public void Section_5_4_1_a_candidate_sends_its_last_index_and_term()
    {
        var solo = new Solo(1, Three, storage: Solo.CreateStorage(Three, 1, 2));
        solo.Core.Campaign();
        var messages = solo.ReadMessages();
        Assert.That(messages.Select(m => (m.Type, m.Term, m.Index, m.LogTerm)).Distinct(),
            Is.EqualTo(new[] { (MessageType.Vote, 3UL, 2UL, 2UL) }));
    }

    [TestCase(new ulong[] { 1 }, 1UL, 1UL, false)]
    [TestCase(new ulong[] { 1 }, 1UL, 2UL, false)]
    [TestCase(new ulong[] { 1, 1 }, 1UL, 1UL, true)]
    [TestCase(new ulong[] { 1 }, 2UL, 1UL, false)]
    [TestCase(new ulong[] { 1 }, 2UL, 2UL, false)]
    [TestCase(new ulong[] { 1, 1 }, 2UL, 1UL, false)]
    [TestCase(new ulong[] { 2 }, 1UL, 1UL, true)]
    [TestCase(new ulong[] { 2 }, 1UL, 2UL, true)]
    [TestCase(new ulong[] { 2, 1 }, 1UL, 1UL, true)]
    public void Section_5_4_1_a_voter_refuses_a_candidate_whose_log_is_less_up_to_date(ulong[] terms, ulong logTerm, ulong index, bool rejected)
    {
        var solo = new Solo(1, Three, storage: Solo.CreateStorage(Three, terms));
        solo.Step(Make(MessageType.Vote, 2, 1, 3) with { LogTerm = logTerm, Index = index });
        var response = solo.ReadMessages().Single();
        Assert.Multiple(() =>
        {
            Assert.That(response.Type, Is.EqualTo(MessageType.VoteResponse));
            Assert.That(response.Reject, Is.EqualTo(rejected));
        });
    }

    [TestCase(1UL, 0UL)]
    [TestCase(2UL, 0UL)]
    [TestCase(3UL, 3UL)]
    public void Section_5_4_2_a_leader_commits_only_entries_of_its_own_term_by_counting(ulong acknowledged, ulong expectedCommit)
    {
        var solo = NewLeader(null, 1, 2);
        Assert.That(solo.Core.Term, Is.EqualTo(3));
        solo.Step(Make(MessageType.AppendResponse, 2, 1, 3) with { Index = acknowledged });
        solo.ReadMessages();
        Assert.That(solo.Core.CommitIndex, Is.EqualTo(expectedCommit));
    }
}
