using Cluster.Core.Tests.Infrastructure;

namespace Cluster.Core.Tests.Tcp;

[TestFixture]
public sealed class TcpTransportOptionsTests
{
    private static readonly NodeAddress Local = new(new NodeId(1), "127.0.0.1", 0);

    [Test]
    public void Defaults_are_valid()
    {
        var options = new TcpTransportOptions { LocalAddress = Local, ClusterId = "c", Codec = TestMessages.Codec() };

        Assert.DoesNotThrowAsync(async () => await new TcpTransport(options).DisposeAsync());
    }

    [TestCase(nameof(TcpTransportOptions.MaxQueuedFramesPerPeer))]
    [TestCase(nameof(TcpTransportOptions.HandshakeTimeout))]
    [TestCase(nameof(TcpTransportOptions.ReconnectMaxDelay))]
    [TestCase(nameof(TcpTransportOptions.MaxWriteBatchBytes))]
    public void An_out_of_range_setting_is_named_in_the_error(string property)
    {
        var codec = TestMessages.Codec();
        var options = property switch
        {
            nameof(TcpTransportOptions.MaxQueuedFramesPerPeer) => new TcpTransportOptions { LocalAddress = Local, ClusterId = "c", Codec = codec, MaxQueuedFramesPerPeer = 0 },
            nameof(TcpTransportOptions.HandshakeTimeout) => new TcpTransportOptions { LocalAddress = Local, ClusterId = "c", Codec = codec, HandshakeTimeout = TimeSpan.Zero },
            nameof(TcpTransportOptions.ReconnectMaxDelay) => new TcpTransportOptions { LocalAddress = Local, ClusterId = "c", Codec = codec, ReconnectMinDelay = TimeSpan.FromSeconds(2), ReconnectMaxDelay = TimeSpan.FromSeconds(1) },
            _ => new TcpTransportOptions { LocalAddress = Local, ClusterId = "c", Codec = codec, MaxWriteBatchBytes = -1 },
        };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new TcpTransport(options));

        Assert.That(error!.ParamName, Is.EqualTo(property));
    }

    [Test]
    public void A_cluster_id_longer_than_255_bytes_is_refused()
    {
        var options = new TcpTransportOptions { LocalAddress = Local, ClusterId = new string('x', 256), Codec = TestMessages.Codec() };

        var error = Assert.Throws<ArgumentException>(() => _ = new TcpTransport(options));

        Assert.That(error!.ParamName, Is.EqualTo(nameof(TcpTransportOptions.ClusterId)));
    }
}
