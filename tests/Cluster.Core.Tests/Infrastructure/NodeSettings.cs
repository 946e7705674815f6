namespace Cluster.Core.Tests.Infrastructure;

/// <summary>How a <see cref="TcpTestNode"/> is set up; defaults give a plain node of cluster "test" on a free port.</summary>
public sealed record NodeSettings
{
    public int Port { get; init; }

    public string ClusterId { get; init; } = "test";

    public byte[]? Secret { get; init; }

    public TlsOptions? Tls { get; init; }

    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public int MaxQueuedFramesPerPeer { get; init; } = TcpTransportOptions.DefaultMaxQueuedFramesPerPeer;

    public int MaxFrameBytes { get; init; } = MessageCodec.DefaultMaxFrameBytes;

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public bool WithBus { get; init; } = true;

    /// <summary>Registers handlers before the transport starts, so nothing that arrives early is dropped.</summary>
    public Action<MessageBus>? ConfigureBus { get; init; }
}
