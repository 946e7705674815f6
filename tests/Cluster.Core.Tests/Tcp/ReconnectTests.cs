using System.Collections.Concurrent;
using Cluster.Core.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Cluster.Core.Tests.Tcp;

[TestFixture]
public sealed class ReconnectTests
{
    [Test]
    public async Task Sends_flow_again_after_the_peer_restarts_on_the_same_port()
    {
        await using var a = await TcpTestNode.StartAsync(1);
        using var reconnects = new MetricCollector<long>(a.Meters, "Cluster.Core.Transport", "cluster.transport.reconnects");
        var first = await TcpTestNode.StartAsync(2);
        TcpTestNode.Connect(a, first);
        var port = first.EndPoint.Port;
        var beforeRestart = new ConcurrentQueue<int>();
        first.Bus.On<Numbered>((_, message) => beforeRestart.Enqueue(message.Sequence));
        await a.Bus.SendAsync(first.Id, new Numbered(0));
        await Eventually.TrueAsync(() => !beforeRestart.IsEmpty, "the first message");

        await first.DisposeAsync();
        await using var second = await TcpTestNode.StartAsync(2, new NodeSettings { Port = port });
        var afterRestart = new ConcurrentQueue<int>();
        second.Bus.On<Numbered>((_, message) => afterRestart.Enqueue(message.Sequence));

        // Messages sent into the dying connection may be lost; keep sending until one gets through.
        var next = 1;
        await Eventually.TrueAsync(
            () =>
            {
                a.Bus.Send(second.Id, new Numbered(next++));
                return !afterRestart.IsEmpty;
            },
            "a message to the restarted node");

        Assert.That(afterRestart, Is.Ordered, "FIFO holds on the new connection");
        Assert.That(reconnects.GetMeasurementSnapshot().Sum(m => m.Value), Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task Messages_queued_while_the_peer_is_down_are_delivered_once_it_comes_up()
    {
        using var reserved = new RawListener();
        var port = reserved.Port;
        reserved.Dispose();
        await using var a = await TcpTestNode.StartAsync(1);
        a.Transport.AddOrUpdatePeer(new NodeAddress(new NodeId(2), "127.0.0.1", port));
        for (var i = 0; i < 100; i++)
        {
            Assert.That(a.Bus.Send(new NodeId(2), new Numbered(i)), Is.True);
        }

        await a.WaitForErrorAsync("connect");
        var received = new ConcurrentQueue<int>();
        await using var b = await TcpTestNode.StartAsync(2, new NodeSettings
        {
            Port = port,
            ConfigureBus = bus => bus.On<Numbered>((_, message) => received.Enqueue(message.Sequence)),
        });

        await Eventually.TrueAsync(() => received.Count == 100, "the queued messages");
        Assert.That(received, Is.EqualTo(Enumerable.Range(0, 100)));
    }
}
