using Cluster.Simulation.Tests.Infrastructure;

namespace Cluster.Simulation.Tests;

public sealed class DeterminismTests
{
    private static (ulong Hash, EchoWorkload Workload, Nemesis Nemesis) RunBusyCluster(ulong seed)
    {
        var sim = new Simulator(seed, TestRegistry.Options(network: new NetworkOptions
        {
            Registry = TestRegistry.Create(),
            DefaultLink = new LinkOptions { LossProbability = 0.01, DuplicateProbability = 0.01 },
        }));
        var workload = new EchoWorkload(sim, nodes: 5, requestInterval: TimeSpan.FromMilliseconds(10));
        var nemesis = new Nemesis(sim, new NemesisOptions { MeanInterval = TimeSpan.FromMilliseconds(300) });
        nemesis.Start();
        sim.RunFor(TimeSpan.FromSeconds(20));
        nemesis.HealAll();
        sim.RunFor(TimeSpan.FromSeconds(1));
        return (sim.TraceHash, workload, nemesis);
    }

    [Test]
    public void The_same_seed_gives_the_same_trace_hash_for_a_busy_faulty_cluster()
    {
        Seeds.Run(2, seed =>
        {
            var first = RunBusyCluster(seed);
            var second = RunBusyCluster(seed);
            Assert.Multiple(() =>
            {
                Assert.That(second.Hash, Is.EqualTo(first.Hash));
                Assert.That(second.Workload.Answers, Is.EqualTo(first.Workload.Answers));
                Assert.That(first.Workload.Answers, Is.GreaterThan(1000), "the workload must actually exchange messages");
                Assert.That(first.Workload.Appends, Is.GreaterThan(1000), "the workload must write and fsync");
                Assert.That(first.Workload.Failures, Is.GreaterThan(0), "the faults must bite");
                Assert.That(first.Workload.Mismatches, Is.Zero);
                Assert.That(first.Nemesis.Counts.GetValueOrDefault(FaultKind.Crash) + first.Nemesis.Counts.GetValueOrDefault(FaultKind.CrashWithTornWrite), Is.GreaterThan(0));
                Assert.That(first.Workload.Recovered, Is.GreaterThan(0), "restarted nodes must find their fsynced log");
            });
        });
    }

    [Test]
    public void Different_seeds_give_different_trace_hashes()
    {
        var hashes = Enumerable.Range(1, 4).Select(seed => RunBusyCluster((ulong)seed * 7919).Hash).ToList();
        Assert.That(hashes, Is.Unique);
    }

    [Test]
    public void The_hash_covers_timers_so_a_different_timer_schedule_changes_it()
    {
        ulong Run(int dueMilliseconds)
        {
            var sim = new Simulator(1);
            sim.TimeProvider.CreateTimer(_ => { }, null, TimeSpan.FromMilliseconds(dueMilliseconds), Timeout.InfiniteTimeSpan);
            sim.RunFor(TimeSpan.FromSeconds(1));
            return sim.TraceHash;
        }

        var five = Run(5);
        Assert.Multiple(() =>
        {
            Assert.That(Run(5), Is.EqualTo(five));
            Assert.That(Run(6), Is.Not.EqualTo(five));
        });
    }

    [Test]
    public void The_text_trace_keeps_only_the_latest_lines()
    {
        var sim = new Simulator(3, TestRegistry.Options(traceText: 4));
        var node = sim.AddNode(TestRegistry.N(1), _ => { });
        for (var i = 0; i < 5; i++)
        {
            node.Pause();
            node.Resume();
        }

        Assert.That(sim.Trace.RecentLines, Has.Count.EqualTo(4));
        Assert.That(sim.Trace.RecentLines[^1], Does.EndWith("n1 resume"));
    }
}
