using System.Collections.Concurrent;
using Cluster.Core.Tests.Infrastructure;

namespace Cluster.Core.Tests.Tcp;

[TestFixture]
public sealed class TcpMessagingTests
{
    [Test]
    public async Task Request_gets_its_response_between_two_nodes()
    {
        await using var a = await TcpTestNode.StartAsync(1);
        await using var b = await TcpTestNode.StartAsync(2);
        TcpTestNode.Connect(a, b);
        b.Bus.OnRequest<Ping, Pong>((from, ping, _) => ValueTask.FromResult(new Pong(ping.Number + 1, from)));

        var pong = await a.Bus.RequestAsync<Pong>(b.Id, new Ping(41), Eventually.Guard);

        Assert.That(pong, Is.EqualTo(new Pong(42, a.Id)));
    }

    [Test]
    public async Task One_way_messages_and_requests_flow_among_three_nodes()
    {
        await using var a = await TcpTestNode.StartAsync(1);
        await using var b = await TcpTestNode.StartAsync(2);
        await using var c = await TcpTestNode.StartAsync(3);
        TcpTestNode.Connect(a, b, c);
        var seen = new ConcurrentBag<(NodeId To, NodeId From, int Number)>();
        foreach (var node in new[] { a, b, c })
        {
            var self = node.Id;
            node.Bus.On<Ping>((from, ping) => seen.Add((self, from, ping.Number)));
            node.Bus.OnRequest<Ping, Pong>((from, ping, _) => ValueTask.FromResult(new Pong(ping.Number * 10, self)));
        }

        await a.Bus.SendAsync(b.Id, new Ping(1));
        await b.Bus.SendAsync(c.Id, new Ping(2));
        await c.Bus.SendAsync(a.Id, new Ping(3));
        var answers = await Task.WhenAll(
            a.Bus.RequestAsync<Pong>(c.Id, new Ping(4), Eventually.Guard),
            b.Bus.RequestAsync<Pong>(a.Id, new Ping(5), Eventually.Guard),
            c.Bus.RequestAsync<Pong>(b.Id, new Ping(6), Eventually.Guard));
        await Eventually.TrueAsync(() => seen.Count == 3, "three one-way messages");

        Assert.That(answers, Is.EqualTo(new[] { new Pong(40, c.Id), new Pong(50, a.Id), new Pong(60, b.Id) }));
        Assert.That(seen, Is.EquivalentTo(new[] { (b.Id, a.Id, 1), (c.Id, b.Id, 2), (a.Id, c.Id, 3) }));
    }

    [Test]
    public async Task A_thousand_messages_to_one_peer_arrive_in_the_order_sent()
    {
        const int count = 1_000;
        await using var a = await TcpTestNode.StartAsync(1);
        await using var b = await TcpTestNode.StartAsync(2);
        TcpTestNode.Connect(a, b);
        var received = new ConcurrentQueue<int>();
        b.Bus.On<Numbered>((_, message) => received.Enqueue(message.Sequence));

        for (var i = 0; i < count; i++)
        {
            await a.Bus.SendAsync(b.Id, new Numbered(i));
        }

        await Eventually.TrueAsync(() => received.Count == count, $"{count} messages");
        Assert.That(received, Is.EqualTo(Enumerable.Range(0, count)));
    }

    [Test]
    public async Task Metrics_count_frames_and_bytes_both_ways()
    {
        await using var a = await TcpTestNode.StartAsync(1);
        await using var b = await TcpTestNode.StartAsync(2);
        using var sent = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(a.Meters, "Cluster.Core.Transport", "cluster.transport.frames.sent");
        using var received = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(b.Meters, "Cluster.Core.Transport", "cluster.transport.frames.received");
        TcpTestNode.Connect(a, b);
        var arrived = 0;
        b.Bus.On<Numbered>((_, _) => Interlocked.Increment(ref arrived));

        for (var i = 0; i < 10; i++)
        {
            await a.Bus.SendAsync(b.Id, new Numbered(i));
        }

        await Eventually.TrueAsync(() => Volatile.Read(ref arrived) == 10, "ten messages");
        await Eventually.TrueAsync(() => received.GetMeasurementSnapshot().Sum(m => m.Value) == 10, "the receive counter");
        Assert.That(sent.GetMeasurementSnapshot().Sum(m => m.Value), Is.EqualTo(10));
    }

    [Test]
    public async Task Sending_to_an_unknown_peer_fails_clearly()
    {
        await using var a = await TcpTestNode.StartAsync(1);

        Assert.That(a.Transport.TrySend(new NodeId(9), Envelope.OneWay(new Ping(1))), Is.False);
        Assert.ThrowsAsync<UnknownPeerException>(async () => await a.Transport.SendAsync(new NodeId(9), Envelope.OneWay(new Ping(1))));
    }
}
