namespace Cluster.Core;

/// <summary>Settings of a <see cref="TcpTransport"/>, validated when the transport is created.</summary>
public sealed class TcpTransportOptions
{
    /// <summary>Default of <see cref="HandshakeTimeout"/>: five seconds.</summary>
    public static readonly TimeSpan DefaultHandshakeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Default of <see cref="ConnectTimeout"/>: five seconds.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Default of <see cref="ReconnectMinDelay"/>: 50 milliseconds.</summary>
    public static readonly TimeSpan DefaultReconnectMinDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>Default of <see cref="ReconnectMaxDelay"/>: five seconds.</summary>
    public static readonly TimeSpan DefaultReconnectMaxDelay = TimeSpan.FromSeconds(5);

    /// <summary>Default of <see cref="MaxQueuedFramesPerPeer"/>.</summary>
    public const int DefaultMaxQueuedFramesPerPeer = 8192;

    /// <summary>Default of <see cref="MaxWriteBatchBytes"/>: 256 KiB.</summary>
    public const int DefaultMaxWriteBatchBytes = 256 * 1024;

    /// <summary>Default of <see cref="MaxInboundConnections"/>.</summary>
    public const int DefaultMaxInboundConnections = 1024;

    /// <summary>Default of <see cref="ListenBacklog"/>.</summary>
    public const int DefaultListenBacklog = 512;

    /// <summary>The longest cluster id, in UTF-8 bytes.</summary>
    public const int MaxClusterIdBytes = 255;

    /// <summary>
    /// This node's identity and where it listens. Port zero asks the operating system for a free port;
    /// read <see cref="TcpTransport.BoundEndPoint"/> after <see cref="TcpTransport.StartAsync"/>.
    /// </summary>
    public required NodeAddress LocalAddress { get; init; }

    /// <summary>
    /// The name of the cluster. Both ends of a connection must agree on it; a node of another cluster is
    /// refused during the handshake. At most <see cref="MaxClusterIdBytes"/> bytes of UTF-8.
    /// </summary>
    public required string ClusterId { get; init; }

    /// <summary>The codec for frames; its <see cref="MessageCodec.MaxFrameBytes"/> bounds every frame read and written.</summary>
    public required MessageCodec Codec { get; init; }

    /// <summary>The peers this node may send to; more can be added with <see cref="TcpTransport.AddOrUpdatePeer"/>.</summary>
    public IReadOnlyList<NodeAddress> Peers { get; init; } = [];

    /// <summary>
    /// A shared secret that every node of the cluster knows. When set (not empty), each connection runs an
    /// HMAC-SHA256 challenge-response in both directions, so only nodes that know the secret get in; the
    /// secret itself never crosses the wire. Both ends must either set the same secret or none.
    /// </summary>
    public ReadOnlyMemory<byte> ClusterSecret { get; init; }

    /// <summary>TLS settings; null (the default) runs plain TCP.</summary>
    public TlsOptions? Tls { get; init; }

    /// <summary>How long a new connection may take to complete TLS and the cluster handshake before it is cut.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = DefaultHandshakeTimeout;

    /// <summary>How long dialing a peer may take before the attempt counts as failed.</summary>
    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;

    /// <summary>The first delay before redialing a peer after a failure; it doubles per failure up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectMinDelay { get; init; } = DefaultReconnectMinDelay;

    /// <summary>The longest delay between redial attempts.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = DefaultReconnectMaxDelay;

    /// <summary>
    /// How many envelopes may wait for one peer. When full, <see cref="TcpTransport.TrySend"/> returns false
    /// and <see cref="TcpTransport.SendAsync"/> waits. The queue is kept while the peer is being redialed.
    /// </summary>
    public int MaxQueuedFramesPerPeer { get; init; } = DefaultMaxQueuedFramesPerPeer;

    /// <summary>How many encoded bytes the writer gathers before it flushes to the socket.</summary>
    public int MaxWriteBatchBytes { get; init; } = DefaultMaxWriteBatchBytes;

    /// <summary>How many accepted connections may be open at once; more are closed right away.</summary>
    public int MaxInboundConnections { get; init; } = DefaultMaxInboundConnections;

    /// <summary>The listen backlog of the listening socket.</summary>
    public int ListenBacklog { get; init; } = DefaultListenBacklog;

    internal void Validate()
    {
        if (LocalAddress is null)
        {
            throw new ArgumentNullException(nameof(LocalAddress), "TcpTransportOptions.LocalAddress is required.");
        }

        if (Codec is null)
        {
            throw new ArgumentNullException(nameof(Codec), "TcpTransportOptions.Codec is required.");
        }

        if (string.IsNullOrEmpty(ClusterId) || System.Text.Encoding.UTF8.GetByteCount(ClusterId) > MaxClusterIdBytes)
        {
            throw new ArgumentException($"TcpTransportOptions.ClusterId must be 1–{MaxClusterIdBytes} bytes of UTF-8.", nameof(ClusterId));
        }

        ArgumentNullException.ThrowIfNull(Peers, nameof(Peers));
        RequirePositive(HandshakeTimeout, nameof(HandshakeTimeout));
        RequirePositive(ConnectTimeout, nameof(ConnectTimeout));
        RequirePositive(ReconnectMinDelay, nameof(ReconnectMinDelay));
        if (ReconnectMaxDelay < ReconnectMinDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(ReconnectMaxDelay), ReconnectMaxDelay, "ReconnectMaxDelay must be at least ReconnectMinDelay.");
        }

        RequirePositive(MaxQueuedFramesPerPeer, nameof(MaxQueuedFramesPerPeer));
        RequirePositive(MaxWriteBatchBytes, nameof(MaxWriteBatchBytes));
        RequirePositive(MaxInboundConnections, nameof(MaxInboundConnections));
        RequirePositive(ListenBacklog, nameof(ListenBacklog));
        Tls?.Validate();
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, $"TcpTransportOptions.{name} must be positive.");
        }
    }

    private static void RequirePositive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"TcpTransportOptions.{name} must be positive.");
        }
    }
}
