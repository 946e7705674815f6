using Cluster.Core;
using Cluster.Simulation.Tests.Infrastructure;

namespace Cluster.Simulation.Tests;

public sealed class NemesisTests
{
    private static (Simulator Sim, Nemesis Nemesis, int MaxDownSeen) RunNemesis(ulong seed, NemesisOptions options, TimeSpan duration)
    {
        var sim = new Simulator(seed, TestRegistry.Options());
        _ = new EchoWorkload(sim, nodes: 5, requestInterval: TimeSpan.FromMilliseconds(20));
        var nemesis = new Nemesis(sim, options);
        nemesis.Start();
        var maxDown = 0;
        var end = sim.Now + duration;
        while (sim.Now < end && sim.Step())
        {
            maxDown = Math.Max(maxDown, sim.Nodes.Count(n => n.State != NodeState.Running));
        }

        return (sim, nemesis, maxDown);
    }

    [Test]
    public void The_nemesis_injects_every_kind_of_fault_and_keeps_a_majority_up()
    {
        Seeds.Run(2, seed =>
        {
            var (_, nemesis, maxDown) = RunNemesis(seed, new NemesisOptions { MeanInterval = TimeSpan.FromMilliseconds(100) }, TimeSpan.FromSeconds(60));
            Assert.Multiple(() =>
            {
                Assert.That(nemesis.Counts.Keys, Is.EquivalentTo(Enum.GetValues<FaultKind>()));
                Assert.That(maxDown, Is.InRange(1, 2), "a minority of five is two");
            });
        });
    }

    [Test]
    public void Heal_all_restarts_resumes_and_reconnects_everything()
    {
        var (sim, nemesis, _) = RunNemesis(3, new NemesisOptions { MeanInterval = TimeSpan.FromMilliseconds(50) }, TimeSpan.FromSeconds(10));
        nemesis.HealAll();
        var ids = sim.Nodes.Select(n => n.Id).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(nemesis.ActiveFaults, Is.Zero);
            Assert.That(nemesis.IsRunning, Is.False);
            Assert.That(sim.Nodes.Select(n => n.State), Is.All.EqualTo(NodeState.Running));
            Assert.That(sim.Nodes.Select(n => n.Disk.IsStalled), Is.All.False);
            Assert.That(ids.SelectMany(a => ids.Select(b => sim.Network.IsConnected(a, b))), Is.All.True);
            Assert.That(sim.Network.DefaultLink.LossProbability, Is.Zero);
        });

        var faults = nemesis.FaultsInjected;
        sim.RunFor(TimeSpan.FromSeconds(10));
        Assert.That(nemesis.FaultsInjected, Is.EqualTo(faults), "a stopped nemesis injects nothing");
    }

    [Test]
    public void Weights_and_targets_restrict_the_faults()
    {
        var options = new NemesisOptions
        {
            MeanInterval = TimeSpan.FromMilliseconds(50),
            Weights = new Dictionary<FaultKind, int> { [FaultKind.Pause] = 1 },
            Targets = [new NodeId(2), new NodeId(3), new NodeId(4)],
            MaxNodesDown = 1,
        };
        var (sim, nemesis, maxDown) = RunNemesis(4, options, TimeSpan.FromSeconds(20));
        Assert.Multiple(() =>
        {
            Assert.That(nemesis.Counts.Keys, Is.EqualTo(new[] { FaultKind.Pause }));
            Assert.That(nemesis.FaultsInjected, Is.GreaterThan(5));
            Assert.That(maxDown, Is.EqualTo(1));
            Assert.That(sim.GetNode(new NodeId(1)).Incarnation, Is.EqualTo(1));
        });
    }

    [Test]
    public void The_same_seed_draws_the_same_faults()
    {
        var options = new NemesisOptions { MeanInterval = TimeSpan.FromMilliseconds(100) };
        var first = RunNemesis(5, options, TimeSpan.FromSeconds(20));
        var second = RunNemesis(5, options, TimeSpan.FromSeconds(20));
        Assert.Multiple(() =>
        {
            Assert.That(second.Nemesis.Counts, Is.EquivalentTo(first.Nemesis.Counts));
            Assert.That(second.Sim.TraceHash, Is.EqualTo(first.Sim.TraceHash));
        });
    }

    [Test]
    public void Invalid_options_name_the_property()
    {
        var sim = new Simulator(1);
        Assert.That(() => new Nemesis(sim, new NemesisOptions { Intensity = 0 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Intensity"));
    }
}
