namespace Cluster.Core.Tests.Infrastructure;

/// <summary>Checks that a node still answers a well-behaved peer after something went wrong on another connection.</summary>
public static class Served
{
    public static async Task AssertStillServesAsync(TcpTestNode node, NodeSettings? peerSettings = null)
    {
        node.Bus.OnRequest<Ping, Pong>((from, ping, _) => ValueTask.FromResult(new Pong(ping.Number, node.Id)));
        await using var good = await TcpTestNode.StartAsync(50, peerSettings);
        TcpTestNode.Connect(node, good);

        var pong = await good.Bus.RequestAsync<Pong>(node.Id, new Ping(7), Eventually.Guard);

        Assert.That(pong, Is.EqualTo(new Pong(7, node.Id)), "the node no longer serves a well-behaved peer");
    }

    /// <summary>
    /// The shape every rejection test ends with: the error metric names the reason, the log says why,
    /// and a well-behaved peer is still served.
    /// </summary>
    public static async Task AssertRejectedThenStillServesAsync(TcpTestNode node, string errorReason, int logEventId, string logText)
    {
        await node.WaitForErrorAsync(errorReason);
        await node.Logs.WaitForAsync(logEventId, logText);
        await AssertStillServesAsync(node);
    }
}
