using Cluster.Core.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Cluster.Core.Tests.Tcp;

[TestFixture]
public sealed class BackpressureTests
{
    private static readonly NodeId Sink = new(2);
    private static readonly Envelope Large = Envelope.OneWay(new Blob(new byte[64 * 1024]));

    [Test]
    public async Task A_peer_that_stops_reading_fills_the_queue_and_blocks_senders_until_cancelled()
    {
        using var listener = new RawListener();
        await using var a = await TcpTestNode.StartAsync(1, new NodeSettings { MaxQueuedFramesPerPeer = 16, WithBus = false });
        using var dropped = new MetricCollector<long>(a.Meters, "Cluster.Core.Transport", "cluster.transport.frames.dropped");
        a.Transport.AddOrUpdatePeer(new NodeAddress(Sink, "127.0.0.1", listener.Port));
        var accepted = listener.AcceptWithHandshakeAsync(Sink);
        Assert.That(a.Transport.TrySend(Sink, Large), Is.True);
        await Eventually.WithinGuard(accepted, "the transport to dial the sink");

        // The sink never reads, so only socket buffers and the 16-frame queue can absorb frames: far
        // less than the 64 MiB offered here. Some send must therefore wait until it is cancelled.
        var sends = 0;
        var blocked = false;
        while (!blocked && sends < 1024)
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await a.Transport.SendAsync(Sink, Large, cancel.Token);
                sends++;
            }
            catch (OperationCanceledException)
            {
                blocked = true;
            }
        }

        Assert.That(blocked, Is.True, $"all {sends} sends went through although the peer reads nothing");
        Assert.That(a.Transport.TrySend(Sink, Large), Is.False);
        Assert.That(dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags["reason"] == "queue_full").Sum(m => m.Value), Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task Disposing_fails_senders_waiting_for_room_and_does_not_hang_on_a_stuck_peer()
    {
        using var listener = new RawListener();
        var a = await TcpTestNode.StartAsync(1, new NodeSettings { MaxQueuedFramesPerPeer = 4, WithBus = false });
        a.Transport.AddOrUpdatePeer(new NodeAddress(Sink, "127.0.0.1", listener.Port));
        var accepted = listener.AcceptWithHandshakeAsync(Sink);
        Assert.That(a.Transport.TrySend(Sink, Large), Is.True);
        await Eventually.WithinGuard(accepted, "the transport to dial the sink");
        // Offer frames until one send has made no progress for two seconds: the sink's buffers are then
        // full and the writer is stuck, since the sink never reads.
        Task waiting = Task.CompletedTask;
        for (var i = 0; i < 1024 && waiting.IsCompleted; i++)
        {
            await waiting;
            waiting = a.Transport.SendAsync(Sink, Large).AsTask();
            await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromSeconds(2)));
        }

        Assert.That(waiting.IsCompleted, Is.False, "no send ever had to wait");

        await Eventually.WithinGuard(a.DisposeAsync().AsTask(), "the transport to shut down");

        Assert.ThrowsAsync<ObjectDisposedException>(async () => await waiting);
        Assert.That(a.Transport.TrySend(Sink, Large), Is.False);
        Assert.ThrowsAsync<ObjectDisposedException>(async () => await a.Transport.SendAsync(Sink, Large));
    }
}
