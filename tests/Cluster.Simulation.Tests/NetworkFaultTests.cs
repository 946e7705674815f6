using Cluster.Core;
using Cluster.Simulation.Tests.Infrastructure;

namespace Cluster.Simulation.Tests;

public sealed class NetworkFaultTests
{
    private static Recorder Cluster(ulong seed, LinkOptions? link = null, bool fifo = true, int maxInFlight = NetworkOptions.DefaultMaxInFlightPerLink, params ulong[] ids) =>
        new(new Simulator(seed, TestRegistry.Options(new NetworkOptions
        {
            Registry = TestRegistry.Create(),
            DefaultLink = link ?? new LinkOptions(),
            FifoPerLink = fifo,
            MaxInFlightPerLink = maxInFlight,
        })), ids.Length == 0 ? [1, 2, 3, 4, 5] : ids);

    private static void SendSpread(Recorder cluster, ulong from, ulong to, int count)
    {
        // One message every 100 µs keeps the link queue below its bound while still interleaving with latencies.
        for (var i = 0; i < count; i++)
        {
            var number = i;
            cluster.Simulator.Schedule(TimeSpan.FromTicks(1_000L * i), () => Assert.That(cluster.Send(from, to, number), Is.True));
        }

        cluster.Simulator.RunFor(TimeSpan.FromSeconds(10));
    }

    [Test]
    public void Loss_drops_about_the_configured_fraction()
    {
        var cluster = Cluster(11, new LinkOptions { LossProbability = 0.2 });
        SendSpread(cluster, 1, 2, 10_000);
        var delivered = cluster.Received[TestRegistry.N(2)].Count;
        Assert.Multiple(() =>
        {
            Assert.That(delivered, Is.InRange(7_700, 8_300));
            Assert.That(cluster.Simulator.Network.MessagesDropped, Is.EqualTo(10_000 - delivered));
        });
    }

    [Test]
    public void Duplication_delivers_about_the_configured_fraction_twice()
    {
        var cluster = Cluster(12, new LinkOptions { DuplicateProbability = 0.1 });
        SendSpread(cluster, 1, 2, 10_000);
        var numbers = cluster.Numbers(2).ToList();
        var duplicates = numbers.Count - numbers.Distinct().Count();
        Assert.Multiple(() =>
        {
            Assert.That(duplicates, Is.InRange(850, 1_150));
            Assert.That(numbers.Distinct().Count(), Is.EqualTo(10_000));
        });
    }

    [Test]
    public void A_fifo_link_keeps_send_order_despite_jitter()
    {
        var cluster = Cluster(13, new LinkOptions { MinLatency = TimeSpan.FromMilliseconds(1), MaxLatency = TimeSpan.FromMilliseconds(50) });
        SendSpread(cluster, 1, 2, 2_000);
        Assert.That(cluster.Numbers(2), Is.EqualTo(Enumerable.Range(0, 2_000)));
    }

    [Test]
    public void Without_fifo_jitter_reorders_messages()
    {
        var cluster = Cluster(14, new LinkOptions { MinLatency = TimeSpan.FromMilliseconds(1), MaxLatency = TimeSpan.FromMilliseconds(50) }, fifo: false);
        SendSpread(cluster, 1, 2, 2_000);
        var numbers = cluster.Numbers(2).ToList();
        var inversions = numbers.Zip(numbers.Skip(1)).Count(pair => pair.First > pair.Second);
        Assert.Multiple(() =>
        {
            Assert.That(numbers.Order(), Is.EqualTo(Enumerable.Range(0, 2_000)), "nothing lost, only reordered");
            Assert.That(inversions, Is.GreaterThan(500));
            Assert.That(cluster.Simulator.Network.MessagesReordered, Is.GreaterThan(500));
        });
    }

    [Test]
    public void Latencies_stay_within_the_configured_range()
    {
        var cluster = Cluster(15, new LinkOptions { MinLatency = TimeSpan.FromMilliseconds(2), MaxLatency = TimeSpan.FromMilliseconds(4) }, fifo: false);
        cluster.Send(1, 2, 0);
        for (var i = 1; i < 200; i++)
        {
            cluster.Send(1, 2, i);
        }

        cluster.Simulator.RunFor(TimeSpan.FromSeconds(1));
        Assert.That(cluster.Received[TestRegistry.N(2)].Select(r => r.At),
            Is.All.InRange(TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(4)));
    }

    [Test]
    public void A_symmetric_partition_cuts_both_ways_until_healed()
    {
        var cluster = Cluster(16);
        var network = cluster.Simulator.Network;
        network.Partition([TestRegistry.N(1), TestRegistry.N(2)]);
        cluster.Send(1, 3, 1);
        cluster.Send(3, 1, 2);
        cluster.Send(1, 2, 3);
        cluster.Send(4, 5, 4);
        cluster.Simulator.RunFor(TimeSpan.FromSeconds(1));
        Assert.Multiple(() =>
        {
            Assert.That(cluster.Numbers(3), Is.Empty);
            Assert.That(cluster.Numbers(1), Is.Empty);
            Assert.That(cluster.Numbers(2), Is.EqualTo(new[] { 3 }));
            Assert.That(cluster.Numbers(5), Is.EqualTo(new[] { 4 }));
        });

        network.Heal();
        cluster.Send(1, 3, 5);
        cluster.Send(3, 1, 6);
        cluster.Simulator.RunFor(TimeSpan.FromSeconds(1));
        Assert.Multiple(() =>
        {
            Assert.That(cluster.Numbers(3), Is.EqualTo(new[] { 5 }));
            Assert.That(cluster.Numbers(1), Is.EqualTo(new[] { 6 }));
        });
    }

    [Test]
    public void A_one_way_cut_blocks_only_one_direction()
    {
        var cluster = Cluster(17);
        cluster.Simulator.Network.CutOneWay(TestRegistry.N(1), TestRegistry.N(2));
        cluster.Send(1, 2, 1);
        cluster.Send(2, 1, 2);
        cluster.Simulator.RunFor(TimeSpan.FromSeconds(1));
        Assert.Multiple(() =>
        {
            Assert.That(cluster.Numbers(2), Is.Empty);
            Assert.That(cluster.Numbers(1), Is.EqualTo(new[] { 2 }));
            Assert.That(cluster.Simulator.Network.IsConnected(TestRegistry.N(1), TestRegistry.N(2)), Is.False);
            Assert.That(cluster.Simulator.Network.IsConnected(TestRegistry.N(2), TestRegistry.N(1)), Is.True);
        });
    }

    [Test]
    public void A_majority_minority_split_leaves_each_side_connected_inside()
    {
        var cluster = Cluster(18);
        var (majority, minority) = cluster.Simulator.Network.PartitionMajorityMinority();
        var network = cluster.Simulator.Network;
        Assert.Multiple(() =>
        {
            Assert.That(majority, Has.Count.EqualTo(3));
            Assert.That(minority, Has.Count.EqualTo(2));
            Assert.That(majority.Concat(minority).Order(), Is.EqualTo(Enumerable.Range(1, 5).Select(i => TestRegistry.N((ulong)i))));
            foreach (var a in majority)
            {
                foreach (var b in minority)
                {
                    Assert.That(network.IsConnected(a, b) || network.IsConnected(b, a), Is.False);
                }

                foreach (var b in majority)
                {
                    Assert.That(network.IsConnected(a, b), Is.True);
                }
            }

            Assert.That(network.IsConnected(minority[0], minority[1]), Is.True);
        });
    }

    [Test]
    public void Isolating_a_node_cuts_it_off_from_everyone()
    {
        var cluster = Cluster(19);
        cluster.Simulator.Network.Isolate(TestRegistry.N(3));
        foreach (var other in new ulong[] { 1, 2, 4, 5 })
        {
            cluster.Send(other, 3, (int)other);
            cluster.Send(3, other, (int)other);
        }

        cluster.Send(1, 2, 100);
        cluster.Simulator.RunFor(TimeSpan.FromSeconds(1));
        Assert.Multiple(() =>
        {
            Assert.That(cluster.Numbers(3), Is.Empty);
            Assert.That(new ulong[] { 1, 4, 5 }.SelectMany(cluster.Numbers), Is.Empty);
            Assert.That(cluster.Numbers(2), Is.EqualTo(new[] { 100 }));
        });
    }

    [Test]
    public void Messages_in_flight_when_a_link_is_cut_are_lost()
    {
        var cluster = Cluster(20, new LinkOptions { MinLatency = TimeSpan.FromMilliseconds(10), MaxLatency = TimeSpan.FromMilliseconds(10) });
        cluster.Send(1, 2, 1);
        cluster.Simulator.RunFor(TimeSpan.FromMilliseconds(5));
        cluster.Simulator.Network.CutOneWay(TestRegistry.N(1), TestRegistry.N(2));
        cluster.Simulator.RunFor(TimeSpan.FromMilliseconds(1));
        cluster.Simulator.Network.Heal();
        cluster.Simulator.RunFor(TimeSpan.FromSeconds(1));
        Assert.That(cluster.Numbers(2), Is.Empty);
    }

    [Test]
    public void Receivers_get_a_serialized_copy_of_the_body()
    {
        var cluster = Cluster(21);
        var ping = new Ping(7, "copy me");
        cluster.Transport(1).TrySend(TestRegistry.N(2), Envelope.OneWay(ping));
        cluster.Simulator.RunFor(TimeSpan.FromSeconds(1));
        var received = cluster.Received[TestRegistry.N(2)].Single().Envelope.Body;
        Assert.Multiple(() =>
        {
            Assert.That(received, Is.EqualTo(ping));
            Assert.That(received, Is.Not.SameAs(ping));
        });
    }

    [Test]
    public void An_unregistered_message_type_fails_the_send()
    {
        var cluster = Cluster(22);
        Assert.That(() => cluster.Transport(1).TrySend(TestRegistry.N(2), Envelope.OneWay(new NotSerializable())),
            Throws.ArgumentException.With.Message.Contains(nameof(NotSerializable)));
    }

    [Test]
    public void Passing_references_hands_over_the_same_instance()
    {
        var sim = new Simulator(23, TestRegistry.Options(new NetworkOptions { CopyBodies = false }));
        var cluster = new Recorder(sim, 1, 2);
        var body = new NotSerializable { Value = 3 };
        cluster.Transport(1).TrySend(TestRegistry.N(2), Envelope.OneWay(body));
        sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.That(cluster.Received[TestRegistry.N(2)].Single().Envelope.Body, Is.SameAs(body));
    }

    [Test]
    public void Sending_to_an_unknown_node_fails_as_the_contract_says()
    {
        var cluster = Cluster(24);
        var transport = cluster.Transport(1);
        Assert.Multiple(() =>
        {
            Assert.That(transport.TrySend(TestRegistry.N(99), Envelope.OneWay(new Ping(1, ""))), Is.False);
            Assert.That(async () => await transport.SendAsync(TestRegistry.N(99), Envelope.OneWay(new Ping(1, ""))), Throws.InstanceOf<UnknownPeerException>());
        });
    }

    [Test]
    public void A_full_link_refuses_TrySend_and_makes_SendAsync_wait_for_room()
    {
        var cluster = Cluster(25, new LinkOptions { MinLatency = TimeSpan.FromMilliseconds(10), MaxLatency = TimeSpan.FromMilliseconds(10) }, maxInFlight: 4);
        var transport = cluster.Transport(1);
        for (var i = 0; i < 4; i++)
        {
            Assert.That(cluster.Send(1, 2, i), Is.True);
        }

        Assert.That(cluster.Send(1, 2, 99), Is.False);
        TimeSpan queuedAt = default;
        cluster.Simulator.Run(async () =>
        {
            await transport.SendAsync(TestRegistry.N(2), Envelope.OneWay(new Ping(4, "")));
            queuedAt = cluster.Simulator.Now;
        });
        cluster.Simulator.RunFor(TimeSpan.FromSeconds(1));
        Assert.Multiple(() =>
        {
            Assert.That(queuedAt, Is.EqualTo(TimeSpan.FromMilliseconds(10)), "room appears when the first message lands");
            Assert.That(cluster.Numbers(2), Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
        });
    }

    [Test]
    public void SendAsync_waiting_for_room_can_be_cancelled()
    {
        var cluster = Cluster(26, new LinkOptions { MinLatency = TimeSpan.FromSeconds(10), MaxLatency = TimeSpan.FromSeconds(10) }, maxInFlight: 1);
        cluster.Send(1, 2, 0);
        using var cancellation = new CancellationTokenSource();
        var transport = cluster.Transport(1);
        cluster.Simulator.Schedule(TimeSpan.FromSeconds(1), cancellation.Cancel);
        Assert.That(() => cluster.Simulator.Run(async () => await transport.SendAsync(TestRegistry.N(2), Envelope.OneWay(new Ping(1, "")), cancellation.Token)),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(cluster.Simulator.Now, Is.EqualTo(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public void Per_link_options_override_the_default()
    {
        var cluster = Cluster(27);
        cluster.Simulator.Network.SetLink(TestRegistry.N(1), TestRegistry.N(2), new LinkOptions { LossProbability = 1 });
        for (var i = 0; i < 50; i++)
        {
            cluster.Send(1, 2, i);
            cluster.Send(1, 3, i);
        }

        cluster.Simulator.RunFor(TimeSpan.FromSeconds(1));
        Assert.Multiple(() =>
        {
            Assert.That(cluster.Numbers(2), Is.Empty);
            Assert.That(cluster.Numbers(3).Count(), Is.EqualTo(50));
        });
    }

    [Test]
    public void A_custom_latency_distribution_is_used_and_clamped()
    {
        var cluster = Cluster(28, new LinkOptions
        {
            MinLatency = TimeSpan.FromMilliseconds(1),
            MaxLatency = TimeSpan.FromMilliseconds(100),
            Latency = random => random.Chance(0.5) ? TimeSpan.FromMilliseconds(3) : TimeSpan.FromSeconds(5),
        }, fifo: false);
        for (var i = 0; i < 100; i++)
        {
            cluster.Send(1, 2, i);
        }

        cluster.Simulator.RunFor(TimeSpan.FromSeconds(1));
        Assert.That(cluster.Received[TestRegistry.N(2)].Select(r => r.At).Distinct().Order(),
            Is.EqualTo(new[] { TimeSpan.FromMilliseconds(3), TimeSpan.FromMilliseconds(100) }));
    }
}
