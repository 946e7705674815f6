using Cluster.Core.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Core.Tests.Messaging;

[TestFixture]
public sealed class MessageBusTests
{
    private static readonly MessageBusOptions Inline = new() { RunContinuationsAsynchronously = false };

    private LoopbackNetwork _network = null!;
    private FakeTimeProvider _time = null!;
    private MessageBus _a = null!;
    private MessageBus _b = null!;

    [SetUp]
    public void SetUp()
    {
        _network = new LoopbackNetwork();
        _time = new FakeTimeProvider();
        _a = new MessageBus(_network.Add(1), _time, Inline);
        _b = new MessageBus(_network.Add(2), _time, Inline);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Test]
    public async Task A_request_is_answered_by_the_registered_handler()
    {
        _b.OnRequest<Ping, Pong>((from, ping, _) => ValueTask.FromResult(new Pong(ping.Number * 2, from)));

        var pong = await _a.RequestAsync<Pong>(_b.LocalNode, new Ping(21));

        Assert.That(pong, Is.EqualTo(new Pong(42, _a.LocalNode)));
        Assert.That(_a.PendingRequests, Is.Zero);
    }

    [Test]
    public void A_one_way_message_reaches_its_handler()
    {
        var seen = new List<(NodeId, int)>();
        _b.On<Numbered>((from, message) => seen.Add((from, message.Sequence)));

        Assert.That(_a.Send(_b.LocalNode, new Numbered(9)), Is.True);

        Assert.That(seen, Is.EqualTo(new[] { (_a.LocalNode, 9) }));
    }

    [Test]
    public void A_request_without_an_answer_times_out_exactly_at_its_deadline()
    {
        _network.Deliver = false;

        var request = _a.RequestAsync<Pong>(_b.LocalNode, new Ping(1), TimeSpan.FromSeconds(2));
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.That(request.IsCompleted, Is.False);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        var error = Assert.ThrowsAsync<RpcTimeoutException>(async () => await request);
        Assert.That(error!.Peer, Is.EqualTo(_b.LocalNode));
        Assert.That(_a.PendingRequests, Is.Zero);
    }

    [Test]
    public void A_failing_handler_surfaces_as_a_remote_error()
    {
        _b.OnRequest<Ping, Pong>((_, _, _) => throw new InvalidOperationException("boom"));

        var error = Assert.ThrowsAsync<RemoteRpcException>(async () => await _a.RequestAsync<Pong>(_b.LocalNode, new Ping(1)));

        Assert.That(error!.Error, Is.EqualTo(new RemoteError(nameof(InvalidOperationException), "boom")));
        Assert.That(error.Peer, Is.EqualTo(_b.LocalNode));
    }

    [Test]
    public void A_request_nobody_handles_fails_with_no_handler()
    {
        var error = Assert.ThrowsAsync<RemoteRpcException>(async () => await _a.RequestAsync<Pong>(_b.LocalNode, new Ping(1)));

        Assert.That(error!.Error.Code, Is.EqualTo(RemoteError.NoHandlerCode));
    }

    [Test]
    public void Cancelling_a_request_abandons_it()
    {
        _network.Deliver = false;
        using var cancel = new CancellationTokenSource();

        var request = _a.RequestAsync<Pong>(_b.LocalNode, new Ping(1), cancellationToken: cancel.Token);
        Assert.That(request.IsCompleted, Is.False);
        cancel.Cancel();

        Assert.ThrowsAsync<TaskCanceledException>(async () => await request);
        Assert.That(_a.PendingRequests, Is.Zero);
    }

    [Test]
    public async Task Requests_beyond_the_pending_limit_are_refused()
    {
        _network.Deliver = false;
        var network = new LoopbackNetwork { Deliver = false };
        await using var limited = new MessageBus(network.Add(1), _time, new MessageBusOptions { MaxPendingRequests = 2, RunContinuationsAsynchronously = false });
        network.Add(2);

        var first = limited.RequestAsync<Pong>(new NodeId(2), new Ping(1));
        var second = limited.RequestAsync<Pong>(new NodeId(2), new Ping(2));

        var error = Assert.ThrowsAsync<RpcOverloadException>(async () => await limited.RequestAsync<Pong>(new NodeId(2), new Ping(3)));
        Assert.That(error!.MaxPendingRequests, Is.EqualTo(2));
        Assert.That(new[] { first.IsCompleted, second.IsCompleted }, Is.All.False);
    }

    [Test]
    public void A_request_to_an_unknown_node_fails_at_once()
    {
        Assert.ThrowsAsync<UnknownPeerException>(async () => await _a.RequestAsync<Pong>(new NodeId(99), new Ping(1)));
        Assert.That(_a.PendingRequests, Is.Zero);
    }

    [Test]
    public void Disposing_the_bus_fails_waiting_requests()
    {
        _network.Deliver = false;
        var request = _a.RequestAsync<Pong>(_b.LocalNode, new Ping(1));

        _ = _a.DisposeAsync();

        Assert.ThrowsAsync<ObjectDisposedException>(async () => await request);
    }
}
