using System.Text;
using Cluster.Core.Tests.Infrastructure;

namespace Cluster.Core.Tests.Tcp;

[TestFixture]
public sealed class HandshakeRejectionTests
{
    private const int RefusedEvent = 1103;

    [Test]
    public async Task Random_bytes_before_the_handshake_close_the_connection()
    {
        await using var node = await TcpTestNode.StartAsync(1);
        var garbage = new byte[200];
        new RandomSource(42).NextBytes(garbage);
        garbage[0] = (byte)'X'; // never the magic's first byte

        await using (var raw = await RawClient.ConnectAsync(node.EndPoint))
        {
            await raw.SendAsync(garbage);
            await raw.WaitForCloseAsync();
        }

        await Served.AssertRejectedThenStillServesAsync(node, "handshake.magic", RefusedEvent, "magic");
    }

    [Test]
    public async Task A_wrong_magic_closes_the_connection_without_an_answer()
    {
        await using var node = await TcpTestNode.StartAsync(1);
        var hello = ClientHello(Handshake.ProtocolVersion, new NodeId(7), node.Id, "test");
        "XXXX"u8.CopyTo(hello);

        byte[] answer;
        await using (var raw = await RawClient.ConnectAsync(node.EndPoint))
        {
            await raw.SendAsync(hello);
            answer = await Eventually.WithinGuard(raw.ReadAvailableUntilCloseAsync(), "the close");
        }

        Assert.That(answer, Is.Empty);
        await node.WaitForErrorAsync("handshake.magic");
        await Served.AssertStillServesAsync(node);
    }

    [Test]
    public async Task A_wrong_protocol_version_is_refused_with_a_reason()
    {
        await using var node = await TcpTestNode.StartAsync(1);

        var answer = await SendHelloAsync(node, ClientHello(99, new NodeId(7), node.Id, "test"));

        Assert.That(answer, Has.Length.EqualTo(Handshake.ServerHelloBytes));
        Assert.That((HandshakeStatus)answer[6], Is.EqualTo(HandshakeStatus.VersionMismatch));
        await Served.AssertRejectedThenStillServesAsync(node, "handshake.version", RefusedEvent, "version 99");
    }

    [Test]
    public async Task A_node_of_a_foreign_cluster_is_refused()
    {
        await using var node = await TcpTestNode.StartAsync(1);

        var answer = await SendHelloAsync(node, ClientHello(Handshake.ProtocolVersion, new NodeId(7), node.Id, "elsewhere"));

        Assert.That((HandshakeStatus)answer[6], Is.EqualTo(HandshakeStatus.ClusterMismatch));
        await Served.AssertRejectedThenStillServesAsync(node, "handshake.cluster", RefusedEvent, "'elsewhere'");
    }

    [Test]
    public async Task A_dialer_claiming_the_wrong_target_node_is_refused()
    {
        await using var node = await TcpTestNode.StartAsync(1);

        var answer = await SendHelloAsync(node, ClientHello(Handshake.ProtocolVersion, new NodeId(7), new NodeId(99), "test"));

        Assert.That((HandshakeStatus)answer[6], Is.EqualTo(HandshakeStatus.WrongNode));
        await node.WaitForErrorAsync("handshake.node");
        await Served.AssertStillServesAsync(node);
    }

    [Test]
    public async Task A_peer_that_never_handshakes_is_cut_after_the_handshake_timeout()
    {
        await using var node = await TcpTestNode.StartAsync(1, new NodeSettings { HandshakeTimeout = TimeSpan.FromMilliseconds(300) });

        await using (var raw = await RawClient.ConnectAsync(node.EndPoint))
        {
            await raw.SendAsync("CL"u8.ToArray());
            await raw.WaitForCloseAsync();
        }

        await Served.AssertRejectedThenStillServesAsync(node, "handshake.timeout", RefusedEvent, "HandshakeTimeout");
    }

    internal static byte[] ClientHello(ushort version, NodeId self, NodeId target, string clusterId, bool usesSecret = false, byte[]? nonce = null)
    {
        var cluster = Encoding.UTF8.GetBytes(clusterId);
        var hello = new byte[Handshake.ClientHelloFixedBytes + cluster.Length];
        Handshake.WriteClientHello(hello, version, usesSecret, self, target, nonce ?? new byte[Handshake.NonceBytes], cluster);
        return hello;
    }

    private static async Task<byte[]> SendHelloAsync(TcpTestNode node, byte[] hello)
    {
        await using var raw = await RawClient.ConnectAsync(node.EndPoint);
        await raw.SendAsync(hello);
        return await Eventually.WithinGuard(raw.ReadAvailableUntilCloseAsync(), "the refusal and close");
    }
}
