using Cluster.Core;
using Cluster.Simulation;

namespace Raft.Core.Tests.Hosting;

/// <summary>Client sessions (Raft thesis §6.3): retried commands apply once; sessions expire by the log's clock; leader discovery.</summary>
public sealed class SessionTests
{
    [Test]
    public void RetriedCommands_AreAppliedExactlyOnce_WhenAnswersAreLost()
    {
        var cluster = new RaftSimCluster(41, 3);
        cluster.WaitForLeader();
        var client = cluster.AddClient(new NodeId(100));
        // Answers to the client are lost half of the time, so it retries commands that were already applied.
        foreach (var server in cluster.Members)
        {
            cluster.Simulator.Network.SetLink(server, new NodeId(100), new LinkOptions { LossProbability = 0.5 });
        }

        cluster.Run(async () =>
        {
            for (var i = 0; i < 30; i++)
            {
                await client.ExecuteAsync(KvCommand.Append("once", $"{i},").Encode());
            }

            return 0;
        }, TimeSpan.FromMinutes(5));

        var leader = cluster.WaitForLeader();
        var value = cluster.StateMachine(leader.Id)!.Data["once"];
        Assert.That(value, Is.EqualTo(string.Concat(Enumerable.Range(0, 30).Select(i => $"{i},"))), "a retried command was applied twice or lost");
        Assert.That(cluster.Simulator.Network.MessagesDropped, Is.GreaterThan(0));
    }

    [Test]
    public void RetriedCommands_AreAppliedOnce_AcrossLeaderChanges()
    {
        var cluster = new RaftSimCluster(42, 5);
        cluster.WaitForLeader();
        var client = cluster.AddClient(new NodeId(100));
        var random = new RandomSource(42);
        var work = cluster.Run(async () =>
        {
            await client.ExecuteAsync(KvCommand.Append("x", "start,").Encode());
            return 0;
        });
        var done = false;
        var commands = cluster.Simulator.Run(async () =>
        {
            var tasks = new List<Task>();
            for (var i = 0; i < 20; i++)
            {
                tasks.Add(client.ExecuteAsync(KvCommand.Append("x", $"{i},").Encode()));
                await Task.Delay(TimeSpan.FromMilliseconds(100), cluster.Simulator.TimeProvider);
            }

            return tasks;
        });
        while (!done)
        {
            var leader = cluster.Leaders().FirstOrDefault();
            if (leader is not null && random.Chance(0.5))
            {
                cluster.Disconnect(leader.Id);
                cluster.Simulator.RunFor(TimeSpan.FromMilliseconds(random.Next(200, 1200)));
                cluster.Connect(leader.Id);
            }

            cluster.Simulator.RunFor(TimeSpan.FromMilliseconds(300));
            done = commands.All(t => t.IsCompleted);
        }

        Assert.That(commands.All(t => t.IsCompletedSuccessfully), Is.True);
        var final = cluster.WaitForLeader();
        cluster.WaitApplied(final.Status.CommitIndex, 5);
        var parts = cluster.StateMachine(final.Id)!.Data["x"].Split(',', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(parts, Has.Length.EqualTo(21));
        Assert.That(parts.Distinct().Count(), Is.EqualTo(21), "a command was applied twice");
        Assert.That(work, Is.Zero);
    }

    [Test]
    public void Session_ExpiresByTheLogsClock_WhenTheClientIsCutOff()
    {
        var cluster = new RaftSimCluster(43, 3, id => RaftSimCluster.DefaultOptions(
            id, [new NodeId(1), new NodeId(2), new NodeId(3)], sessionTimeout: TimeSpan.FromSeconds(3)));
        cluster.WaitForLeader();
        var clientId = new NodeId(100);
        var client = cluster.AddClient(clientId, new RaftClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(500), OperationTimeout = TimeSpan.FromSeconds(3), KeepAliveInterval = TimeSpan.FromSeconds(1) });
        cluster.Run(async () => { await client.ExecuteAsync(KvCommand.Put("s", "1").Encode()); return 0; });

        // Kept alive while connected: idle for twice the timeout, the session survives.
        cluster.Simulator.RunFor(TimeSpan.FromSeconds(6));
        cluster.Run(async () => { await client.ExecuteAsync(KvCommand.Put("s", "2").Encode()); return 0; });

        // Cut off for longer than the timeout while other clients keep the log's clock moving: it expires.
        cluster.Simulator.Network.Isolate(clientId);
        for (var i = 0; i < 8; i++)
        {
            cluster.Propose(KvCommand.Put("other", $"{i}"));
            cluster.Simulator.RunFor(TimeSpan.FromMilliseconds(500));
        }

        foreach (var id in cluster.Members)
        {
            cluster.Simulator.Network.Heal(clientId, id);
        }

        var error = cluster.Run(async () =>
        {
            try
            {
                await client.ExecuteAsync(KvCommand.Put("s", "3").Encode());
                return null;
            }
            catch (SessionExpiredException exception)
            {
                return exception;
            }
        });
        Assert.That(error, Is.Not.Null, "the session outlived its timeout");
        Assert.That(cluster.StateMachine(cluster.WaitForLeader().Id)!.Data["s"], Is.EqualTo("2"));

        // A new session works again.
        cluster.Run(async () =>
        {
            await client.ResetSessionAsync();
            await client.ExecuteAsync(KvCommand.Put("s", "4").Encode());
            return 0;
        });
        Assert.That(cluster.StateMachine(cluster.WaitForLeader().Id)!.Data["s"], Is.EqualTo("4"));
    }

    [Test]
    public void Client_PointedAtAFollower_FindsTheLeader_AndReadsAreLinearizable()
    {
        var cluster = new RaftSimCluster(44, 3);
        var leader = cluster.WaitForLeader();
        var follower = cluster.Members.First(m => m != leader.Id);
        var client = cluster.AddClient(new NodeId(100), servers: [follower, leader.Id]);
        var value = cluster.Run(async () =>
        {
            await client.ExecuteAsync(KvCommand.Put("f", "v").Encode());
            return KvStateMachine.DecodeResult(await client.ReadAsync(KvCommand.Get("f").Encode()));
        });
        Assert.That(value, Is.EqualTo("v"));
        Assert.That(client.Leader, Is.EqualTo(leader.Id));

        // A read on a follower node confirms the read index with the leader and sees the latest write.
        var followerRead = cluster.Run(async () =>
        {
            await client.ExecuteAsync(KvCommand.Put("f", "w").Encode());
            return KvStateMachine.DecodeResult(await cluster.Node(follower)!.ReadAsync(KvCommand.Get("f").Encode()));
        });
        Assert.That(followerRead, Is.EqualTo("w"));
    }

    [Test]
    public void StateMachines_SeeTheLeadersTime_TheSameOnEveryReplica()
    {
        var cluster = new RaftSimCluster(45, 3);
        cluster.WaitForLeader();
        var client = cluster.AddClient(new NodeId(100));
        var before = cluster.Simulator.UtcNow;
        cluster.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await client.ExecuteAsync(KvCommand.Put("t", $"{i}").Encode());
                await Task.Delay(TimeSpan.FromMilliseconds(200), cluster.Simulator.TimeProvider);
            }

            return 0;
        });
        var leader = cluster.WaitForLeader();
        cluster.WaitApplied(leader.Status.CommitIndex, 3);
        var contexts = cluster.Members.Select(m => cluster.StateMachine(m)!.Contexts).ToList();
        Assert.That(contexts[0], Has.Count.EqualTo(10));
        Assert.That(contexts[1], Is.EqualTo(contexts[0]), "replicas saw different contexts");
        Assert.That(contexts[2], Is.EqualTo(contexts[0]), "replicas saw different contexts");
        var times = contexts[0].Values.Select(c => c.LeaderTime).ToList();
        Assert.That(times, Is.Ordered);
        Assert.That(times[0], Is.GreaterThanOrEqualTo(before));
        Assert.That(times[^1] - times[0], Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(1800)));
        Assert.That(contexts[0].Values.Select(c => c.ClientId).Distinct().Single(), Is.EqualTo(client.ClientId));
    }
}
