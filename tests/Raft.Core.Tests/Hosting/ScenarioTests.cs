using Cluster.Core;

namespace Raft.Core.Tests.Hosting;

/// <summary>
/// Scenarios after the MIT 6.824/6.5840 Raft tester, on hosted nodes in virtual time: elections, agreement, failures, rejoins.
/// </summary>
public sealed class ScenarioTests
{
    [Test]
    public void InitialElection_OneLeader_StaysWhileNothingFails()
    {
        var cluster = new RaftSimCluster(1, 3);
        var leader = cluster.WaitForLeader();
        var term = leader.Status.Term;
        cluster.Simulator.RunFor(TimeSpan.FromSeconds(3));
        cluster.CheckSafety();
        Assert.That(cluster.Leaders().Select(l => l.Id), Is.EqualTo(new[] { leader.Id }));
        Assert.That(leader.Status.Term, Is.EqualTo(term), "the term changed although nothing failed");
    }

    [Test]
    public void BasicAgreement_EveryCommandAppliedEverywhere()
    {
        var cluster = new RaftSimCluster(2, 3);
        cluster.WaitForLeader();
        for (var i = 0; i < 3; i++)
        {
            var index = cluster.Propose(KvCommand.Put("k", $"v{i}"));
            cluster.WaitApplied(index, 3);
            Assert.That(cluster.AppliedAt(index).Count, Is.EqualTo(3));
        }
    }
}
