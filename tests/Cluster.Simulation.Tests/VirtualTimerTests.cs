namespace Cluster.Simulation.Tests;

public sealed class VirtualTimerTests
{
    [Test]
    public void Timers_fire_in_due_order_and_ties_in_creation_order()
    {
        var sim = new Simulator(1);
        var fired = new List<string>();
        sim.TimeProvider.CreateTimer(_ => fired.Add("b@20"), null, TimeSpan.FromMilliseconds(20), Timeout.InfiniteTimeSpan);
        sim.TimeProvider.CreateTimer(_ => fired.Add("a@10"), null, TimeSpan.FromMilliseconds(10), Timeout.InfiniteTimeSpan);
        sim.TimeProvider.CreateTimer(_ => fired.Add("c@20"), null, TimeSpan.FromMilliseconds(20), Timeout.InfiniteTimeSpan);
        sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.That(fired, Is.EqualTo(new[] { "a@10", "b@20", "c@20" }));
    }

    [Test]
    public void Virtual_time_advances_only_through_events()
    {
        var sim = new Simulator(1);
        var start = sim.TimeProvider.GetUtcNow();
        TimeSpan firedAt = default;
        sim.TimeProvider.CreateTimer(_ => firedAt = sim.Now, null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        Assert.That(sim.Step(), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(firedAt, Is.EqualTo(TimeSpan.FromSeconds(3)));
            Assert.That(sim.TimeProvider.GetUtcNow() - start, Is.EqualTo(TimeSpan.FromSeconds(3)));
            Assert.That(start, Is.EqualTo(SimulatorOptions.DefaultEpoch));
            Assert.That(sim.TimeProvider.GetElapsedTime(0), Is.EqualTo(TimeSpan.FromSeconds(3)));
            Assert.That(sim.Step(), Is.False);
        });
    }

    [Test]
    public void Change_moves_a_timer_and_cancels_the_old_due_time()
    {
        var sim = new Simulator(1);
        var fired = new List<TimeSpan>();
        var timer = sim.TimeProvider.CreateTimer(_ => fired.Add(sim.Now), null, TimeSpan.FromMilliseconds(100), Timeout.InfiniteTimeSpan);
        sim.RunFor(TimeSpan.FromMilliseconds(50));
        Assert.That(timer.Change(TimeSpan.FromMilliseconds(200), Timeout.InfiniteTimeSpan), Is.True);
        sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.That(fired, Is.EqualTo(new[] { TimeSpan.FromMilliseconds(250) }));
    }

    [Test]
    public void Change_to_infinite_stops_a_timer_until_changed_again()
    {
        var sim = new Simulator(1);
        var count = 0;
        var timer = sim.TimeProvider.CreateTimer(_ => count++, null, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10));
        sim.RunFor(TimeSpan.FromMilliseconds(35));
        timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.That(count, Is.EqualTo(3));
        timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.That(count, Is.EqualTo(4));
    }

    [Test]
    public void Dispose_cancels_a_timer_and_Change_then_returns_false()
    {
        var sim = new Simulator(1);
        var count = 0;
        var timer = sim.TimeProvider.CreateTimer(_ => count++, null, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10));
        sim.RunFor(TimeSpan.FromMilliseconds(25));
        timer.Dispose();
        sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.Multiple(() =>
        {
            Assert.That(count, Is.EqualTo(2));
            Assert.That(timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan), Is.False);
        });
    }

    [Test]
    public void A_periodic_timer_fires_every_period_after_its_due_time()
    {
        var sim = new Simulator(1);
        var fired = new List<TimeSpan>();
        using var timer = sim.TimeProvider.CreateTimer(_ => fired.Add(sim.Now), null, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(10));
        sim.RunFor(TimeSpan.FromMilliseconds(40));
        Assert.That(fired, Is.EqualTo(new[] { 5, 15, 25, 35 }.Select(ms => TimeSpan.FromMilliseconds(ms))));
    }

    [Test]
    public void A_zero_period_fires_once()
    {
        var sim = new Simulator(1);
        var count = 0;
        sim.TimeProvider.CreateTimer(_ => count++, null, TimeSpan.FromMilliseconds(5), TimeSpan.Zero);
        sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.That(count, Is.EqualTo(1));
    }

    [Test]
    public void Negative_times_are_rejected()
    {
        var sim = new Simulator(1);
        Assert.That(() => sim.TimeProvider.CreateTimer(_ => { }, null, TimeSpan.FromMilliseconds(-5), Timeout.InfiniteTimeSpan),
            Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Task_Delay_on_the_virtual_provider_completes_in_virtual_time()
    {
        var sim = new Simulator(1);
        var elapsed = sim.Run(async () =>
        {
            var start = sim.Now;
            await Task.Delay(TimeSpan.FromHours(2), sim.TimeProvider);
            return sim.Now - start;
        }, TimeSpan.FromHours(3));
        Assert.That(elapsed, Is.EqualTo(TimeSpan.FromHours(2)));
    }

    [Test]
    public void Run_until_a_virtual_time_stops_there_even_without_events()
    {
        var sim = new Simulator(1);
        sim.Run(TimeSpan.FromSeconds(42));
        Assert.That(sim.Now, Is.EqualTo(TimeSpan.FromSeconds(42)));
    }

    [Test]
    public void RunUntil_stops_when_the_predicate_holds_or_the_timeout_passes()
    {
        var sim = new Simulator(1);
        var ticks = 0;
        sim.TimeProvider.CreateTimer(_ => ticks++, null, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10));
        Assert.Multiple(() =>
        {
            Assert.That(sim.RunUntil(() => ticks == 5, TimeSpan.FromSeconds(1)), Is.True);
            Assert.That(sim.Now, Is.EqualTo(TimeSpan.FromMilliseconds(50)));
            Assert.That(sim.RunUntil(() => ticks < 0, TimeSpan.FromMilliseconds(100)), Is.False);
            Assert.That(sim.Now, Is.EqualTo(TimeSpan.FromMilliseconds(150)));
        });
    }
}
