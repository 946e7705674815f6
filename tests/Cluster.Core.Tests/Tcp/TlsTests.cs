using Cluster.Core.Tests.Infrastructure;

namespace Cluster.Core.Tests.Tcp;

[TestFixture]
public sealed class TlsTests
{
    [Test]
    public async Task Nodes_trusting_each_others_certificates_talk_over_tls()
    {
        using var certA = TestCertificates.CreateSelfSigned("a");
        using var certB = TestCertificates.CreateSelfSigned("b");
        await using var a = await TcpTestNode.StartAsync(1, new NodeSettings { Tls = TestCertificates.Pinned(certA, certB) });
        await using var b = await TcpTestNode.StartAsync(2, new NodeSettings { Tls = TestCertificates.Pinned(certB, certA) });
        TcpTestNode.Connect(a, b);
        b.Bus.OnRequest<Ping, Pong>((from, ping, _) => ValueTask.FromResult(new Pong(ping.Number, from)));

        var pong = await a.Bus.RequestAsync<Pong>(b.Id, new Ping(5), Eventually.Guard);

        Assert.That(pong, Is.EqualTo(new Pong(5, a.Id)));
    }

    [Test]
    public async Task A_dialer_refuses_an_untrusted_certificate_and_the_acceptor_keeps_serving()
    {
        using var certA = TestCertificates.CreateSelfSigned("a");
        using var certB = TestCertificates.CreateSelfSigned("b");

        // No validation callback: the platform's chain validation refuses a self-signed certificate.
        await using var a = await TcpTestNode.StartAsync(1, new NodeSettings { Tls = new TlsOptions { ServerCertificate = certA } });
        await using var b = await TcpTestNode.StartAsync(2, new NodeSettings { Tls = TestCertificates.Pinned(certB, certA) });
        TcpTestNode.Connect(a, b);
        var delivered = 0;
        b.Bus.On<Ping>((_, _) => Interlocked.Increment(ref delivered));

        Assert.That(a.Bus.Send(b.Id, new Ping(1)), Is.True);

        await a.WaitForErrorAsync("tls");
        await a.Logs.WaitForAsync(1104, "TLS failed");

        // Under TLS 1.3 the acceptor finishes TLS before the dialer judges its certificate, so the
        // acceptor sees the dialer hang up during the cluster handshake rather than a TLS alert.
        await b.Logs.WaitForAsync(1103, "Refused connection");
        Assert.That(Volatile.Read(ref delivered), Is.Zero);
        await Served.AssertStillServesAsync(b, new NodeSettings { Tls = TestCertificates.Pinned(certA, certB) });
    }

    [Test]
    public async Task A_plain_tcp_dialer_is_refused_by_a_tls_acceptor()
    {
        using var certB = TestCertificates.CreateSelfSigned("b");
        await using var a = await TcpTestNode.StartAsync(1);
        await using var b = await TcpTestNode.StartAsync(2, new NodeSettings { Tls = TestCertificates.Pinned(certB, certB) });
        TcpTestNode.Connect(a, b);

        Assert.That(a.Bus.Send(b.Id, new Ping(1)), Is.True);

        await b.WaitForErrorAsync("tls");
    }

    [Test]
    public async Task An_acceptor_requiring_client_certificates_refuses_an_untrusted_one()
    {
        using var certA = TestCertificates.CreateSelfSigned("a");
        using var certB = TestCertificates.CreateSelfSigned("b");
        await using var a = await TcpTestNode.StartAsync(1, new NodeSettings { Tls = TestCertificates.Pinned(certA, certB) });
        var pinnedToItself = TestCertificates.Pinned(certB, certB);
        await using var b = await TcpTestNode.StartAsync(2, new NodeSettings
        {
            Tls = new TlsOptions { ServerCertificate = certB, RequireClientCertificate = true, RemoteCertificateValidation = pinnedToItself.RemoteCertificateValidation },
        });
        TcpTestNode.Connect(a, b);

        Assert.That(a.Bus.Send(b.Id, new Ping(1)), Is.True);

        await b.WaitForErrorAsync("tls");
        await b.Logs.WaitForAsync(1103, "TLS failed");
    }
}
