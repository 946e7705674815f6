using System.Text;
using Cluster.Core.Tests.Infrastructure;

namespace Cluster.Core.Tests.Tcp;

[TestFixture]
public sealed class SecretTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("correct horse battery staple");
    private static readonly byte[] OtherSecret = Encoding.UTF8.GetBytes("incorrect horse");

    [Test]
    public async Task Nodes_sharing_the_secret_talk()
    {
        await using var a = await TcpTestNode.StartAsync(1, new NodeSettings { Secret = Secret });
        await using var b = await TcpTestNode.StartAsync(2, new NodeSettings { Secret = Secret });
        TcpTestNode.Connect(a, b);
        b.Bus.OnRequest<Ping, Pong>((from, ping, _) => ValueTask.FromResult(new Pong(ping.Number, from)));

        var pong = await a.Bus.RequestAsync<Pong>(b.Id, new Ping(3), Eventually.Guard);

        Assert.That(pong, Is.EqualTo(new Pong(3, a.Id)));
    }

    [Test]
    public async Task A_dialer_refuses_an_acceptor_that_cannot_prove_the_secret()
    {
        await using var a = await TcpTestNode.StartAsync(1, new NodeSettings { Secret = Secret });
        await using var b = await TcpTestNode.StartAsync(2, new NodeSettings { Secret = OtherSecret });
        TcpTestNode.Connect(a, b);
        var delivered = 0;
        b.Bus.On<Ping>((_, _) => Interlocked.Increment(ref delivered));

        Assert.That(a.Bus.Send(b.Id, new Ping(1)), Is.True);

        await a.WaitForErrorAsync("handshake.secret");
        await a.Logs.WaitForAsync(1104, "does not know the secret");
        Assert.That(Volatile.Read(ref delivered), Is.Zero);
        await Served.AssertStillServesAsync(b, new NodeSettings { Secret = OtherSecret });
    }

    [Test]
    public async Task An_acceptor_refuses_a_dialer_whose_proof_is_wrong()
    {
        await using var node = await TcpTestNode.StartAsync(1, new NodeSettings { Secret = Secret });
        var dialer = new NodeId(7);
        var nonce = new byte[Handshake.NonceBytes];
        new RandomSource(1).NextBytes(nonce);
        var cluster = Encoding.UTF8.GetBytes("test");

        byte[] verdict;
        await using (var raw = await RawClient.ConnectAsync(node.EndPoint))
        {
            await raw.SendAsync(HandshakeRejectionTests.ClientHello(Handshake.ProtocolVersion, dialer, node.Id, "test", usesSecret: true, nonce));
            var hello = new byte[Handshake.ServerHelloBytes];
            await raw.Stream.ReadExactlyAsync(hello);
            Assert.That((HandshakeStatus)hello[6], Is.EqualTo(HandshakeStatus.Accepted));
            var proof = new byte[Handshake.ProofBytes];
            Handshake.ComputeDialerProof(OtherSecret, nonce, hello.AsSpan(16, Handshake.NonceBytes), dialer, node.Id, cluster, proof);
            await raw.SendAsync(proof);
            verdict = await Eventually.WithinGuard(raw.ReadAvailableUntilCloseAsync(), "the verdict and close");
        }

        Assert.That(verdict, Is.EqualTo(new[] { (byte)HandshakeStatus.ProofFailed }));
        await node.WaitForErrorAsync("handshake.secret");
        await node.Logs.WaitForAsync(1103, "does not know the secret");
        await Served.AssertStillServesAsync(node, new NodeSettings { Secret = Secret });
    }

    [Test]
    public async Task A_node_without_the_secret_is_refused()
    {
        await using var a = await TcpTestNode.StartAsync(1);
        await using var b = await TcpTestNode.StartAsync(2, new NodeSettings { Secret = Secret });
        TcpTestNode.Connect(a, b);

        Assert.That(a.Bus.Send(b.Id, new Ping(1)), Is.True);

        await b.WaitForErrorAsync("handshake.secret");
        await a.WaitForErrorAsync("handshake.secret");
    }
}
