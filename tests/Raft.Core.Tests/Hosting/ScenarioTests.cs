using Cluster.Core;
using Cluster.Simulation;

namespace Raft.Core.Tests.Hosting;

/// <summary>
/// Scenarios after the MIT 6.824/6.5840 Raft tester (its thresholds: a leader within 5 s, agreement within 10 s), run on hosted
/// nodes in virtual time: elections, agreement, failures, rejoins, backup, message budgets, persistence, Figure 8, churn.
/// </summary>
public sealed class ScenarioTests
{
    private static readonly TimeSpan ElectionDeadline = TimeSpan.FromSeconds(5);

    [Test]
    public void InitialElection_OneLeader_StaysWhileNothingFails()
    {
        var cluster = new RaftSimCluster(1, 3);
        var leader = cluster.WaitForLeader(ElectionDeadline);
        var term = leader.Status.Term;
        cluster.Simulator.RunFor(TimeSpan.FromSeconds(3));
        cluster.CheckSafety();
        Assert.That(cluster.Leaders().Select(l => l.Id), Is.EqualTo(new[] { leader.Id }));
        Assert.That(leader.Status.Term, Is.EqualTo(term), "the term changed although nothing failed");
    }

    [Test]
    public void ReElection_AfterLeaderLoss_AndNoneWithoutMajority()
    {
        var cluster = new RaftSimCluster(2, 3);
        var first = cluster.WaitForLeader(ElectionDeadline);

        cluster.Disconnect(first.Id);
        var second = cluster.WaitForLeader(ElectionDeadline, cluster.Members.Where(m => m != first.Id).ToList());
        Assert.That(second.Id, Is.Not.EqualTo(first.Id));

        // The old leader rejoins: it must not disturb the new one (PreVote and CheckQuorum).
        cluster.Connect(first.Id);
        var afterRejoin = cluster.WaitForLeader(ElectionDeadline);
        Assert.That(afterRejoin.Id, Is.EqualTo(second.Id));

        // No majority, no leader.
        var other = cluster.Members.First(m => m != second.Id);
        cluster.Disconnect(second.Id);
        cluster.Disconnect(other);
        cluster.Simulator.RunFor(TimeSpan.FromSeconds(4));
        var third = cluster.Members.Single(m => m != second.Id && m != other);
        Assert.That(cluster.Node(third)!.Status.IsLeader, Is.False, "a single node of three elected itself");

        cluster.Connect(other);
        cluster.WaitForLeader(ElectionDeadline, [other, third]);
        cluster.Connect(second.Id);
        cluster.WaitForLeader(ElectionDeadline);
    }

    [Test]
    public void ManyElections_SevenNodes_OneLeaderPerTerm()
    {
        var cluster = new RaftSimCluster(3, 7);
        cluster.WaitForLeader(ElectionDeadline);
        var random = new RandomSource(3);
        for (var round = 0; round < 10; round++)
        {
            var cut = cluster.Members.OrderBy(_ => random.Next(1000)).Take(3).ToList();
            foreach (var id in cut)
            {
                cluster.Disconnect(id);
            }

            cluster.WaitForLeader(ElectionDeadline, cluster.Members.Except(cut).ToList());
            foreach (var id in cut)
            {
                cluster.Connect(id);
            }
        }

        cluster.WaitForLeader(ElectionDeadline);
    }

    [Test]
    public void BasicAgreement_EveryCommandAppliedEverywhere()
    {
        var cluster = new RaftSimCluster(4, 3);
        cluster.WaitForLeader(ElectionDeadline);
        for (var i = 0; i < 3; i++)
        {
            var index = cluster.Propose(KvCommand.Put("k", $"v{i}"));
            cluster.WaitApplied(index, 3);
            Assert.That(cluster.AppliedAt(index).Count, Is.EqualTo(3));
        }
    }

    [Test]
    public void FollowerFailure_AgreementContinues_UntilNoMajority()
    {
        var cluster = new RaftSimCluster(5, 3);
        var leader = cluster.WaitForLeader(ElectionDeadline);
        cluster.WaitApplied(cluster.Propose(KvCommand.Put("a", "1")), 3);

        var follower = cluster.Members.First(m => m != leader.Id);
        cluster.Disconnect(follower);
        cluster.WaitApplied(cluster.Propose(KvCommand.Put("a", "2")), 2);

        leader = cluster.WaitForLeader(ElectionDeadline, cluster.Members.Where(m => m != follower).ToList());
        foreach (var id in cluster.Members.Where(m => m != leader.Id))
        {
            cluster.Disconnect(id);
        }

        var before = leader.Status.CommitIndex;
        var orphan = cluster.StartProposal(leader, KvCommand.Put("a", "3"));
        cluster.Simulator.RunFor(TimeSpan.FromSeconds(2));
        Assert.That(orphan.IsCompletedSuccessfully, Is.False, "a command committed without a majority");
        Assert.That(cluster.RunningNodes.Max(n => n.Status.CommitIndex), Is.EqualTo(before));
    }

    [Test]
    public void FailNoAgree_FiveNodes_ThreeFollowersGone_ThenRecovers()
    {
        var cluster = new RaftSimCluster(6, 5);
        var leader = cluster.WaitForLeader(ElectionDeadline);
        cluster.WaitApplied(cluster.Propose(KvCommand.Put("x", "1")), 5);

        var gone = cluster.Members.Where(m => m != leader.Id).Take(3).ToList();
        foreach (var id in gone)
        {
            cluster.Disconnect(id);
        }

        var blocked = cluster.StartProposal(leader, KvCommand.Put("x", "2"));
        cluster.Simulator.RunFor(TimeSpan.FromSeconds(2));
        Assert.That(blocked.IsCompletedSuccessfully, Is.False);

        foreach (var id in gone)
        {
            cluster.Connect(id);
        }

        cluster.WaitForLeader(ElectionDeadline);
        cluster.WaitApplied(cluster.Propose(KvCommand.Put("x", "3")), 5);
    }

    [Test]
    public void ConcurrentProposals_AllCommitted_InOneOrder()
    {
        var cluster = new RaftSimCluster(7, 3);
        var leader = cluster.WaitForLeader(ElectionDeadline);
        var proposals = Enumerable.Range(0, 50).Select(i => cluster.StartProposal(leader, KvCommand.Append("log", $"{i},"))).ToList();
        Assert.That(cluster.Simulator.RunUntil(() => proposals.All(p => p.IsCompleted), TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(proposals.All(p => p.IsCompletedSuccessfully), Is.True);
        cluster.WaitApplied(leader.Status.CommitIndex, 3);
        var values = cluster.RunningNodes.Select(n => cluster.StateMachine(n.Id)!.Data["log"]).Distinct().ToList();
        Assert.That(values, Has.Count.EqualTo(1));
        Assert.That(values[0].Split(',', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(50));
    }

    [Test]
    public void Rejoin_PartitionedLeaderEntriesAreDiscarded()
    {
        var cluster = new RaftSimCluster(8, 3);
        var leader1 = cluster.WaitForLeader(ElectionDeadline);
        cluster.WaitApplied(cluster.Propose(KvCommand.Put("r", "101")), 3);

        cluster.Disconnect(leader1.Id);
        var lost = new[] { "102", "103", "104" }.Select(v => cluster.StartProposal(leader1, KvCommand.Put("r", v))).ToList();
        var leader2 = cluster.WaitForLeader(ElectionDeadline, cluster.Members.Where(m => m != leader1.Id).ToList());
        cluster.WaitApplied(cluster.Propose(KvCommand.Put("r", "103b")), 2);

        cluster.Disconnect(leader2.Id);
        cluster.Connect(leader1.Id);
        cluster.WaitForLeader(ElectionDeadline, cluster.Members.Where(m => m != leader2.Id).ToList());
        cluster.WaitApplied(cluster.Propose(KvCommand.Put("r", "104b")), 2);

        cluster.Connect(leader2.Id);
        var index = cluster.Propose(KvCommand.Put("r", "105"));
        cluster.WaitApplied(index, 3);
        Assert.That(lost.Any(p => p.IsCompletedSuccessfully), Is.False, "an entry of the deposed leader was applied");
        Assert.That(cluster.RunningNodes.Select(n => cluster.StateMachine(n.Id)!.Data["r"]).Distinct(), Is.EqualTo(new[] { "105" }));
    }

    [Test]
    public void Backup_LeaderBacksUpOverManyConflictingEntries()
    {
        var cluster = new RaftSimCluster(9, 5);
        var leader1 = cluster.WaitForLeader(ElectionDeadline);
        cluster.WaitApplied(cluster.Propose(KvCommand.Put("b", "start")), 5);

        // Leader and one follower partitioned off with 50 uncommittable entries.
        var partner = cluster.Members.First(m => m != leader1.Id);
        var others = cluster.Members.Where(m => m != leader1.Id && m != partner).ToList();
        foreach (var id in others)
        {
            cluster.Disconnect(id);
        }

        for (var i = 0; i < 50; i++)
        {
            cluster.StartProposal(leader1, KvCommand.Put("b", $"lost{i}"));
        }

        cluster.Simulator.RunFor(TimeSpan.FromMilliseconds(500));
        cluster.Disconnect(leader1.Id);
        cluster.Disconnect(partner);
        foreach (var id in others)
        {
            cluster.Connect(id);
        }

        // The other three commit 50 entries.
        cluster.WaitForLeader(ElectionDeadline, others);
        for (var i = 0; i < 50; i++)
        {
            cluster.Propose(KvCommand.Put("b", $"kept{i}"));
        }

        // Everybody back: the old leader's 50 conflicting entries are overwritten.
        cluster.Connect(leader1.Id);
        cluster.Connect(partner);
        var last = cluster.Propose(KvCommand.Put("b", "end"));
        cluster.WaitApplied(last, 5);
        Assert.That(cluster.RunningNodes.Select(n => cluster.StateMachine(n.Id)!.Data["b"]).Distinct(), Is.EqualTo(new[] { "end" }));
    }

    [Test]
    public void MessageBudget_Election_TenAgreements_IdleSecond()
    {
        var cluster = new RaftSimCluster(10, 3);
        var network = cluster.Simulator.Network;
        var leader = cluster.WaitForLeader(ElectionDeadline);
        // Requests and responses are both counted here, so the 6.824 budgets (which count calls) are doubled.
        var afterElection = network.MessagesSent;
        Assert.That(afterElection, Is.LessThanOrEqualTo(2 * 30), "an election took too many messages");

        for (var i = 0; i < 10; i++)
        {
            cluster.WaitApplied(cluster.Propose(KvCommand.Put("c", $"{i}")), 3);
        }

        var agreements = network.MessagesSent - afterElection;
        cluster.Simulator.RunFor(TimeSpan.FromSeconds(1));
        var idle = network.MessagesSent - afterElection - agreements;
        TestContext.Out.WriteLine($"election {afterElection}, ten agreements {agreements}, idle second {idle} messages");
        // 6.824's budget for ten agreements, (10 + 1 + 3) × 3 calls, doubled for responses. Commit notices ride the next
        // broadcast, so they cost nothing extra under load; here, one agreement at a time, each still sends one.
        Assert.That(agreements, Is.LessThanOrEqualTo(2 * (10 + 1 + 3) * 3));
        Assert.That(idle, Is.LessThanOrEqualTo(2 * 3 * 20));
        Assert.That(leader.Status.IsLeader, Is.True);
    }

    [Test]
    public void Persistence_CrashAnySetOfNodes_NothingCommittedIsLost()
    {
        var cluster = new RaftSimCluster(11, 3, durable: true);
        cluster.WaitForLeader(ElectionDeadline);
        var random = new RandomSource(11);
        var committed = new List<ulong>();
        for (var round = 0; round < 8; round++)
        {
            committed.Add(cluster.Propose(KvCommand.Append("p", $"{round},")));
            var crash = cluster.Members.Where(_ => random.Chance(0.5)).ToList();
            foreach (var id in crash)
            {
                cluster.Crash(id);
            }

            cluster.Simulator.RunFor(TimeSpan.FromMilliseconds(random.Next(100, 1500)));
            foreach (var id in crash)
            {
                cluster.Restart(id);
            }

            cluster.WaitForLeader(ElectionDeadline);
        }

        var last = cluster.Propose(KvCommand.Append("p", "end"));
        cluster.WaitApplied(last, 3);
        var value = cluster.StateMachine(cluster.Members[0])!.Data["p"];
        for (var round = 0; round < 8; round++)
        {
            Assert.That(value, Does.Contain($"{round},"), $"committed append {round} was lost");
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Figure8_LeadersCrashRepeatedly_ClusterStillAgrees(bool unreliable)
    {
        var seed = unreliable ? 13UL : 12UL;
        var cluster = new RaftSimCluster(seed, 5, durable: true);
        if (unreliable)
        {
            cluster.Simulator.Network.DefaultLink = new LinkOptions
            {
                MinLatency = TimeSpan.FromMilliseconds(1),
                MaxLatency = TimeSpan.FromMilliseconds(60),
                LossProbability = 0.1,
                DuplicateProbability = 0.05,
            };
        }

        var random = new RandomSource(seed);
        cluster.WaitForLeader(TimeSpan.FromSeconds(10));
        var up = cluster.Members.Count;
        for (var round = 0; round < 60; round++)
        {
            var leader = cluster.Leaders().FirstOrDefault();
            if (leader is not null)
            {
                cluster.StartProposal(leader, KvCommand.Put("f", $"{round}"));
            }

            cluster.Simulator.RunFor(TimeSpan.FromMilliseconds(random.Chance(0.1) ? random.Next(0, 1000) : random.Next(0, 50)));
            if (leader is not null && cluster.Node(leader.Id) is not null && random.Chance(0.5))
            {
                cluster.Crash(leader.Id);
                up--;
            }

            if (up < 3)
            {
                var down = cluster.Members.Where(m => cluster.Node(m) is null && !cluster.Simulated(m).IsUp).ToList();
                if (down.Count > 0)
                {
                    cluster.Restart(down[random.Next(down.Count)]);
                    up++;
                }
            }

            cluster.CheckSafety();
        }

        foreach (var id in cluster.Members.Where(m => !cluster.Simulated(m).IsUp))
        {
            cluster.Restart(id);
        }

        cluster.Simulator.Network.ResetLinkOptions();
        cluster.Simulator.Network.DefaultLink = new LinkOptions();
        cluster.WaitForLeader(TimeSpan.FromSeconds(10));
        cluster.WaitApplied(cluster.Propose(KvCommand.Put("f", "final"), TimeSpan.FromSeconds(20)), 5, TimeSpan.FromSeconds(20));
    }

    [Test]
    public void UnreliableAgreement_LossAndDuplication_AllCommandsCommitted()
    {
        var cluster = new RaftSimCluster(14, 5);
        cluster.Simulator.Network.DefaultLink = new LinkOptions
        {
            MinLatency = TimeSpan.FromMilliseconds(1),
            MaxLatency = TimeSpan.FromMilliseconds(30),
            LossProbability = 0.1,
            DuplicateProbability = 0.1,
        };
        cluster.WaitForLeader(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 30; i++)
        {
            cluster.Propose(KvCommand.Append("u", $"{i},"), TimeSpan.FromSeconds(20));
        }

        cluster.Simulator.Network.DefaultLink = new LinkOptions();
        var last = cluster.Propose(KvCommand.Append("u", "end"));
        cluster.WaitApplied(last, 5);
        var value = cluster.StateMachine(cluster.Members[0])!.Data["u"];
        for (var i = 0; i < 30; i++)
        {
            Assert.That(value, Does.Contain($"{i},"));
        }
    }

    [Test]
    public void Churn_CrashesRestartsAndPartitions_CommittedCommandsSurvive()
    {
        var cluster = new RaftSimCluster(15, 5, durable: true);
        cluster.WaitForLeader(ElectionDeadline);
        var random = new RandomSource(15);
        var applied = new List<ReadOnlyMemory<byte>>();
        var pending = new List<Task<ReadOnlyMemory<byte>>>();
        var proposals = new List<(string Value, Task<ReadOnlyMemory<byte>> Proposal)>();
        for (var step = 0; step < 40; step++)
        {
            foreach (var leader in cluster.Leaders())
            {
                var value = $"{step}.{leader.Id},";
                var proposal = cluster.StartProposal(leader, KvCommand.Append("churn", value));
                pending.Add(proposal);
                proposals.Add((value, proposal));
            }

            var victim = cluster.Members[random.Next(cluster.Members.Count)];
            switch (random.Next(3))
            {
                case 0 when cluster.Node(victim) is not null && cluster.RunningNodes.Count() > 3:
                    cluster.Crash(victim);
                    break;
                case 1 when !cluster.Simulated(victim).IsUp:
                    cluster.Restart(victim);
                    break;
                case 2:
                    cluster.Disconnect(victim);
                    cluster.Simulator.RunFor(TimeSpan.FromMilliseconds(random.Next(50, 400)));
                    cluster.Connect(victim);
                    break;
            }

            cluster.Simulator.RunFor(TimeSpan.FromMilliseconds(random.Next(20, 300)));
            cluster.CheckSafety();
        }

        foreach (var id in cluster.Members.Where(m => !cluster.Simulated(m).IsUp))
        {
            cluster.Restart(id);
        }

        foreach (var id in cluster.Members)
        {
            cluster.Connect(id);
        }

        cluster.WaitForLeader(TimeSpan.FromSeconds(10));
        var last = cluster.Propose(KvCommand.Append("churn", "end"));
        cluster.WaitApplied(last, 5);
        var final = cluster.StateMachine(cluster.Members[0])!.Data["churn"];

        // Read the outcomes here, on the test's thread: a continuation per proposal would run wherever the task completes.
        var committedValues = proposals.Where(p => p.Proposal.IsCompletedSuccessfully).Select(p => p.Value).ToList();
        Assert.That(committedValues, Is.Not.Empty);
        foreach (var value in committedValues)
        {
            Assert.That(final, Does.Contain(value), $"acknowledged command {value} was lost");
        }
    }
}
