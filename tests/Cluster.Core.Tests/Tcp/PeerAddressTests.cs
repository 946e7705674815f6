using System.Collections.Concurrent;
using Cluster.Core.Tests.Infrastructure;

namespace Cluster.Core.Tests.Tcp;

[TestFixture]
public sealed class PeerAddressTests
{
    [Test]
    public async Task Changing_a_peers_address_moves_traffic_to_the_new_address()
    {
        await using var a = await TcpTestNode.StartAsync(1);
        await using var oldB = await TcpTestNode.StartAsync(2);
        await using var newB = await TcpTestNode.StartAsync(2);
        TcpTestNode.Connect(a, oldB);
        var atOld = new ConcurrentQueue<int>();
        var atNew = new ConcurrentQueue<int>();
        oldB.Bus.On<Numbered>((_, message) => atOld.Enqueue(message.Sequence));
        newB.Bus.On<Numbered>((_, message) => atNew.Enqueue(message.Sequence));
        await a.Bus.SendAsync(oldB.Id, new Numbered(0));
        await Eventually.TrueAsync(() => !atOld.IsEmpty, "the message at the old address");

        a.Transport.AddOrUpdatePeer(newB.Address);
        var next = 1;
        await Eventually.TrueAsync(
            () =>
            {
                a.Bus.Send(newB.Id, new Numbered(next++));
                return !atNew.IsEmpty;
            },
            "a message at the new address");

        Assert.That(a.Transport.Peers, Is.EquivalentTo(new[] { newB.Address }));
    }

    [Test]
    public async Task A_dialer_that_reaches_the_wrong_node_is_refused()
    {
        await using var a = await TcpTestNode.StartAsync(1);
        await using var c = await TcpTestNode.StartAsync(3);

        // Node 2's address is misconfigured: node 3 listens there.
        a.Transport.AddOrUpdatePeer(new NodeAddress(new NodeId(2), "127.0.0.1", c.EndPoint.Port));
        Assert.That(a.Bus.Send(new NodeId(2), new Ping(1)), Is.True);

        await a.WaitForErrorAsync("handshake.node");
        await c.WaitForErrorAsync("handshake.node");
        await Served.AssertStillServesAsync(c);
    }

    [Test]
    public async Task A_node_does_not_add_itself_as_a_peer()
    {
        await using var a = await TcpTestNode.StartAsync(1);

        Assert.Throws<ArgumentException>(() => a.Transport.AddOrUpdatePeer(new NodeAddress(a.Id, "127.0.0.1", 1)));
    }
}
