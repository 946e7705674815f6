using Cluster.Core;
using Cluster.Simulation.Tests.Infrastructure;

namespace Cluster.Simulation.Tests;

public sealed class NodeLifecycleTests
{
    [Test]
    public void A_crash_cancels_timers_and_queued_continuations_of_the_node()
    {
        var sim = new Simulator(1);
        var ticks = 0;
        var afterDelay = 0;
        var node = sim.AddNode(TestRegistry.N(1), async env =>
        {
            env.Time.CreateTimer(_ => ticks++, null, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10));
            await Task.Delay(TimeSpan.FromSeconds(1), env.Time);
            afterDelay++;
        });
        sim.RunFor(TimeSpan.FromMilliseconds(55));
        node.Crash();
        sim.RunFor(TimeSpan.FromSeconds(5));
        Assert.Multiple(() =>
        {
            Assert.That(ticks, Is.EqualTo(5));
            Assert.That(afterDelay, Is.Zero, "the awaiting code of a crashed incarnation never resumes");
            Assert.That(node.State, Is.EqualTo(NodeState.Crashed));
            Assert.That(node.Environment, Is.Null);
        });
    }

    [Test]
    public void A_crash_loses_messages_in_flight_to_the_node_even_if_it_restarts_before_they_land()
    {
        var sim = new Simulator(2, TestRegistry.Options(new NetworkOptions
        {
            Registry = TestRegistry.Create(),
            DefaultLink = new LinkOptions { MinLatency = TimeSpan.FromMilliseconds(10), MaxLatency = TimeSpan.FromMilliseconds(10) },
        }));
        var cluster = new Recorder(sim, 1, 2);
        cluster.Send(1, 2, 1);
        sim.RunFor(TimeSpan.FromMilliseconds(5));
        var node = sim.GetNode(TestRegistry.N(2));
        node.Crash();
        node.Restart();
        cluster.Send(1, 2, 2);
        sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.That(cluster.Numbers(2), Is.EqualTo(new[] { 2 }));
    }

    [Test]
    public void Messages_to_a_crashed_node_are_dropped_and_do_not_fill_the_queue()
    {
        var sim = new Simulator(3, TestRegistry.Options(new NetworkOptions { Registry = TestRegistry.Create(), MaxInFlightPerLink = 2 }));
        var cluster = new Recorder(sim, 1, 2);
        sim.GetNode(TestRegistry.N(2)).Crash();
        for (var i = 0; i < 10; i++)
        {
            Assert.That(cluster.Send(1, 2, i), Is.True);
        }

        sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.That(sim.Network.MessagesDropped, Is.EqualTo(10));
    }

    [Test]
    public void Restart_calls_the_start_function_again_with_a_new_environment_and_the_same_disk()
    {
        var sim = new Simulator(4);
        var incarnations = new List<int>();
        var recovered = new List<long>();
        var node = sim.AddNode(TestRegistry.N(1), async env =>
        {
            incarnations.Add(env.Incarnation);
            var file = await env.Storage.OpenAsync("data", StorageOpenMode.OpenOrCreate);
            recovered.Add(file.Length);
            await env.Storage.SyncDirectoryAsync();
            await file.AppendAsync(new byte[10]);
            await file.FlushAsync();
        });
        sim.RunFor(TimeSpan.FromSeconds(1));
        var first = node.Environment;
        node.Crash();
        node.Restart();
        sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.Multiple(() =>
        {
            Assert.That(incarnations, Is.EqualTo(new[] { 1, 2 }));
            Assert.That(recovered, Is.EqualTo(new long[] { 0, 10 }));
            Assert.That(node.Environment, Is.Not.SameAs(first));
            Assert.That(node.Environment!.Storage, Is.SameAs(node.Disk));
            Assert.That(node.Incarnation, Is.EqualTo(2));
        });
    }

    [Test]
    public void Crash_and_restart_check_the_state()
    {
        var sim = new Simulator(5);
        var node = sim.AddNode(TestRegistry.N(1), _ => { });
        Assert.That(node.Restart, Throws.InvalidOperationException);
        node.Crash();
        Assert.Multiple(() =>
        {
            Assert.That(() => node.Crash(), Throws.InvalidOperationException);
            Assert.That(node.Pause, Throws.InvalidOperationException);
        });
    }

    [Test]
    public void A_paused_node_holds_timers_and_deliveries_until_it_resumes()
    {
        var sim = new Simulator(6, TestRegistry.Options(new NetworkOptions
        {
            Registry = TestRegistry.Create(),
            DefaultLink = new LinkOptions { MinLatency = TimeSpan.FromMilliseconds(1), MaxLatency = TimeSpan.FromMilliseconds(1) },
        }));
        var fired = new List<TimeSpan>();
        var received = new List<(int Number, TimeSpan At)>();
        var node = sim.AddNode(TestRegistry.N(1), env =>
        {
            env.Time.CreateTimer(_ => fired.Add(sim.Now), null, TimeSpan.FromMilliseconds(100), Timeout.InfiniteTimeSpan);
            env.Transport.SetReceiver((_, envelope) => received.Add((((Ping)envelope.Body).Number, sim.Now)));
        });
        var sender = sim.AddNode(TestRegistry.N(2), _ => { });
        node.Pause();
        sender.Environment!.Transport.TrySend(node.Id, Envelope.OneWay(new Ping(1, "")));
        sender.Environment!.Transport.TrySend(node.Id, Envelope.OneWay(new Ping(2, "")));
        sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.Multiple(() =>
        {
            Assert.That(fired, Is.Empty);
            Assert.That(received, Is.Empty);
        });

        node.Resume();
        sim.RunFor(TimeSpan.FromMilliseconds(1));
        Assert.Multiple(() =>
        {
            Assert.That(received, Is.EqualTo(new[] { (1, TimeSpan.FromSeconds(1)), (2, TimeSpan.FromSeconds(1)) }));
            Assert.That(fired, Is.EqualTo(new[] { TimeSpan.FromSeconds(1) }));
        });
    }

    [Test]
    public void A_node_crashed_while_paused_loses_what_was_held()
    {
        var sim = new Simulator(7);
        var fired = 0;
        var node = sim.AddNode(TestRegistry.N(1), env => env.Time.CreateTimer(_ => fired++, null, TimeSpan.FromMilliseconds(10), Timeout.InfiniteTimeSpan));
        node.Pause();
        sim.RunFor(TimeSpan.FromSeconds(1));
        node.Crash();
        node.Restart();
        sim.RunFor(TimeSpan.FromMilliseconds(5));
        Assert.That(fired, Is.Zero);
        sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.That(fired, Is.EqualTo(1), "only the new incarnation's timer fires");
    }

    [Test]
    public void Node_loggers_prefix_virtual_time_and_node()
    {
        var lines = new List<string>();
        using var factory = new ListLoggerFactory(lines);
        var sim = new Simulator(8, new SimulatorOptions { LoggerFactory = factory });
        sim.AddNode(TestRegistry.N(3), async env =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(1500), env.Time);
            env.LoggerFactory.CreateLogger("test").Log(Microsoft.Extensions.Logging.LogLevel.Information, default, "hello", null, (state, _) => state);
        });
        sim.RunFor(TimeSpan.FromSeconds(2));
        Assert.That(lines, Does.Contain("[+1.500000s n3] hello"));
    }

    [Test]
    public void Requests_to_a_crashed_server_time_out_and_a_restarted_server_answers_from_its_disk()
    {
        var sim = new Simulator(9, TestRegistry.Options());
        var server = sim.AddNode(TestRegistry.N(1), async env =>
        {
            var counter = await env.Storage.OpenAsync("counter", StorageOpenMode.OpenOrCreate);
            await env.Storage.SyncDirectoryAsync();
            var bus = env.CreateMessageBus();
            bus.OnRequest<Ping, Pong>(async (_, ping, ct) =>
            {
                await counter.AppendAsync(new byte[] { 1 }, ct);
                await counter.FlushAsync(ct);
                return new Pong((int)counter.Length);
            });
        });
        var client = sim.AddNode(TestRegistry.N(2), _ => { }).Environment!.CreateMessageBus(TimeSpan.FromSeconds(1));
        Assert.That(sim.Run(async () => (await client.RequestAsync<Pong>(server.Id, new Ping(1, ""))).Number), Is.EqualTo(1));

        server.Crash();
        Assert.That(() => sim.Run(() => client.RequestAsync<Pong>(server.Id, new Ping(2, ""))), Throws.InstanceOf<RpcTimeoutException>());

        server.Restart();
        sim.RunFor(TimeSpan.FromMilliseconds(100));
        Assert.That(sim.Run(async () => (await client.RequestAsync<Pong>(server.Id, new Ping(3, ""))).Number), Is.EqualTo(2), "the fsynced count survived");
    }
}
