using Cluster.Core;
using Cluster.Simulation.Tests.Infrastructure;

namespace Cluster.Simulation.Tests;

public sealed class SynchronizationContextTests
{
    [Test]
    public void Task_Yield_continues_on_the_simulator_thread_through_the_queue()
    {
        var sim = new Simulator(1);
        var testThread = Environment.CurrentManagedThreadId;
        var threads = new List<int>();
        var eventsBefore = sim.EventsRun;
        sim.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await Task.Yield();
                threads.Add(Environment.CurrentManagedThreadId);
                Assert.That(SynchronizationContext.Current, Is.Not.Null);
            }
        });
        Assert.Multiple(() =>
        {
            Assert.That(threads, Has.Count.EqualTo(10).And.All.EqualTo(testThread));
            Assert.That(sim.EventsRun - eventsBefore, Is.EqualTo(10), "each yield is one queued continuation");
        });
    }

    [Test]
    public void Message_bus_requests_resume_on_the_simulator_thread()
    {
        var sim = new Simulator(5, TestRegistry.Options());
        var testThread = Environment.CurrentManagedThreadId;
        var handlerThreads = new List<int>();
        sim.AddNode(TestRegistry.N(1), env =>
        {
            var bus = env.CreateMessageBus();
            bus.OnRequest<Ping, Pong>(async (from, ping, ct) =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(3), env.Time, ct);
                handlerThreads.Add(Environment.CurrentManagedThreadId);
                return new Pong(ping.Number * 2);
            });
        });
        var client = sim.AddNode(TestRegistry.N(2), _ => { });
        var clientBus = client.Environment!.CreateMessageBus();
        var answers = sim.Run(async () =>
        {
            var results = new List<(int Number, int Thread)>();
            for (var i = 0; i < 20; i++)
            {
                var pong = await clientBus.RequestAsync<Pong>(TestRegistry.N(1), new Ping(i, "x"));
                results.Add((pong.Number, Environment.CurrentManagedThreadId));
            }

            return results;
        });
        Assert.Multiple(() =>
        {
            Assert.That(answers.Select(a => a.Number), Is.EqualTo(Enumerable.Range(0, 20).Select(i => i * 2)));
            Assert.That(answers.Select(a => a.Thread), Is.All.EqualTo(testThread));
            Assert.That(handlerThreads, Has.Count.EqualTo(20).And.All.EqualTo(testThread));
        });
    }

    [Test]
    public void Touching_the_simulator_from_another_thread_fails_the_run()
    {
        var sim = new Simulator(1);
        sim.TimeProvider.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        Exception? seen = null;
        var thread = new Thread(() =>
        {
            try
            {
                sim.TimeProvider.CreateTimer(_ => { }, null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
            catch (SimulationEscapeException ex)
            {
                seen = ex;
            }
        });
        thread.Start();
        thread.Join();
        Assert.Multiple(() =>
        {
            Assert.That(seen, Is.Not.Null);
            Assert.That(() => sim.Step(), Throws.InstanceOf<SimulationEscapeException>());
        });
    }

    [Test]
    public void A_continuation_posted_from_another_thread_fails_the_run()
    {
        var sim = new Simulator(1);
        SynchronizationContext? captured = null;
        sim.Run(() =>
        {
            captured = SynchronizationContext.Current;
            return Task.CompletedTask;
        });
        var thread = new Thread(() => captured!.Post(_ => { }, null));
        thread.Start();
        thread.Join();
        Assert.That(() => sim.RunFor(TimeSpan.FromSeconds(1)), Throws.InstanceOf<SimulationEscapeException>().With.Message.Contains("thread"));
    }

    [Test]
    public void Awaiting_something_nothing_will_complete_is_reported_as_a_deadlock()
    {
        var sim = new Simulator(1);
        var never = new TaskCompletionSource();
        Assert.That(() => sim.Run(async () => await never.Task), Throws.InstanceOf<SimulationDeadlockException>());
    }

    [Test]
    public void Run_throws_when_the_task_outlives_its_virtual_deadline()
    {
        var sim = new Simulator(1);
        Assert.That(() => sim.Run(() => Task.Delay(TimeSpan.FromHours(1), sim.TimeProvider), TimeSpan.FromMinutes(1)),
            Throws.InstanceOf<TimeoutException>());
        Assert.That(sim.Now, Is.EqualTo(TimeSpan.FromMinutes(1)));
    }

    [Test]
    public void Exceptions_of_the_body_surface_from_Run()
    {
        var sim = new Simulator(1);
        Assert.That(() => sim.Run(async () =>
        {
            await Task.Yield();
            throw new InvalidOperationException("boom");
        }), Throws.InvalidOperationException.With.Message.EqualTo("boom"));
    }

    [Test]
    public void A_start_function_that_faults_fails_the_run()
    {
        var sim = new Simulator(1);
        sim.AddNode(new NodeId(1), async env =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1), env.Time);
            throw new InvalidOperationException("node bug");
        });
        Assert.That(() => sim.RunFor(TimeSpan.FromSeconds(5)),
            Throws.InvalidOperationException.With.InnerException.InnerException.Message.EqualTo("node bug"));
    }

    [Test]
    public void Step_cannot_be_called_from_simulated_code()
    {
        var sim = new Simulator(1);
        Exception? seen = null;
        sim.Schedule(TimeSpan.Zero, () =>
        {
            try
            {
                sim.Step();
            }
            catch (InvalidOperationException ex)
            {
                seen = ex;
            }
        });
        sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.That(seen, Is.Not.Null);
    }
}
