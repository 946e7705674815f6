using Cluster.Simulation.Tests.Infrastructure;

namespace Cluster.Simulation.Tests;

public sealed class FaultScheduleTests
{
    [Test]
    public void Scheduled_faults_happen_at_their_virtual_times()
    {
        var sim = new Simulator(1, TestRegistry.Options());
        var cluster = new Recorder(sim, 1, 2, 3);
        var seen = new List<(TimeSpan At, string What)>();
        var schedule = new FaultSchedule()
            .Partition(TimeSpan.FromSeconds(1), TestRegistry.N(1))
            .Crash(TimeSpan.FromSeconds(2), TestRegistry.N(2))
            .Restart(TimeSpan.FromSeconds(3), TestRegistry.N(2))
            .Pause(TimeSpan.FromSeconds(4), TestRegistry.N(3))
            .Resume(TimeSpan.FromSeconds(5), TestRegistry.N(3))
            .Heal(TimeSpan.FromSeconds(6))
            .At(TimeSpan.FromSeconds(7), "custom", s => seen.Add((s.Now, "custom")));
        schedule.Install(sim);

        sim.Run(TimeSpan.FromMilliseconds(1500));
        Assert.That(sim.Network.IsConnected(TestRegistry.N(1), TestRegistry.N(2)), Is.False);
        sim.Run(TimeSpan.FromMilliseconds(2500));
        Assert.That(sim.GetNode(TestRegistry.N(2)).State, Is.EqualTo(NodeState.Crashed));
        sim.Run(TimeSpan.FromMilliseconds(4500));
        Assert.Multiple(() =>
        {
            Assert.That(sim.GetNode(TestRegistry.N(2)).Incarnation, Is.EqualTo(2));
            Assert.That(sim.GetNode(TestRegistry.N(3)).IsPaused, Is.True);
        });
        sim.Run(TimeSpan.FromSeconds(8));
        Assert.Multiple(() =>
        {
            Assert.That(sim.GetNode(TestRegistry.N(3)).State, Is.EqualTo(NodeState.Running));
            Assert.That(sim.Network.IsConnected(TestRegistry.N(1), TestRegistry.N(2)), Is.True);
            Assert.That(seen, Is.EqualTo(new[] { (TimeSpan.FromSeconds(7), "custom") }));
            Assert.That(schedule.Faults, Has.Count.EqualTo(7));
        });
        Assert.That(cluster.Received, Has.Count.EqualTo(3));
    }

    [Test]
    public void A_scheduled_disk_stall_delays_fsyncs_until_the_unstall()
    {
        var disk = new DiskHarness(2);
        new FaultSchedule()
            .StallDisk(TimeSpan.Zero, TestRegistry.N(1))
            .UnstallDisk(TimeSpan.FromSeconds(2), TestRegistry.N(1))
            .Install(disk.Simulator);
        var done = TimeSpan.Zero;
        disk.Run(async storage =>
        {
            await Task.Yield();
            await storage.SyncDirectoryAsync();
            done = disk.Simulator.Now;
        });
        Assert.That(done, Is.EqualTo(TimeSpan.FromSeconds(2)));
    }
}
