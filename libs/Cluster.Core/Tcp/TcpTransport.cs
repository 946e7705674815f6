using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Core;

/// <summary>
/// The production <see cref="ITransport"/>: length-prefixed frames over TCP (optionally TLS) on
/// System.IO.Pipelines, with a cluster handshake, per-peer bounded queues and reconnection.
/// </summary>
/// <remarks>
/// <para><b>Connections.</b> A node dials each peer it sends to and keeps exactly one outbound connection per
/// peer; it only writes on it. Connections a node accepts are only read from. A request therefore travels on
/// the requester's outbound connection and its answer on the responder's own outbound connection back to the
/// requester, so the requester must be in the responder's peer list. Envelopes to one peer keep their order
/// (FIFO) while one connection lasts.</para>
/// <para><b>Queues and back-pressure.</b> Each peer has a bounded queue (<see cref="TcpTransportOptions.MaxQueuedFramesPerPeer"/>)
/// drained by one writer loop that encodes as many queued frames as fit in <see cref="TcpTransportOptions.MaxWriteBatchBytes"/>
/// before one flush. <see cref="TrySend"/> returns false when the queue is full; <see cref="SendAsync"/> waits for room.</para>
/// <para><b>Disconnects.</b> When a connection breaks, frames already handed to the socket may be lost; frames
/// still queued stay queued (up to the bound) while the peer is redialed with exponential backoff and jitter
/// between <see cref="TcpTransportOptions.ReconnectMinDelay"/> and <see cref="TcpTransportOptions.ReconnectMaxDelay"/>.
/// While a peer is down its queue fills; then <see cref="TrySend"/> drops and <see cref="SendAsync"/> waits.</para>
/// <para><b>Failures.</b> A connection that fails TLS or the handshake (wrong magic, version, cluster, node or
/// secret, or too slow), or that sends an oversize, truncated or undecodable frame, is closed with a logged
/// reason and counted in <c>cluster.transport.errors</c>; other connections are not affected.</para>
/// <para><b>Threads.</b> The receiver runs on the read loop of the connection the envelope came on, so several
/// connections may call it at once. All members are thread-safe.</para>
/// </remarks>
public sealed partial class TcpTransport : ITransport
{
    private readonly TcpTransportOptions _options;
    private readonly MessageCodec _codec;
    private readonly TimeProvider _time;
    private readonly RandomSource _random;
    private readonly Lock _randomGate = new();
    private readonly ILogger _logger;
    private readonly TransportMetrics _metrics;
    private readonly HandshakeSettings _handshake;
    private readonly ConcurrentDictionary<NodeId, PeerLink> _peers = new();
    private readonly ConcurrentDictionary<TcpConnection, byte> _connections = new();
    private readonly ConcurrentDictionary<long, Task> _tasks = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _startGate = new();
    private Action<NodeId, Envelope>? _receiver;
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private long _nextTaskId;
    private int _inboundConnections;
    private int _state; // 0 created, 1 started, 2 disposed

    /// <summary>Creates a transport; call <see cref="StartAsync"/> to listen and start dialing.</summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="time">The clock for timeouts and reconnect delays; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="random">The source of reconnect jitter; seeded from the operating system when null.</param>
    /// <param name="loggerFactory">Where logs go; none when null.</param>
    /// <param name="meterFactory">Creates the <c>Cluster.Core.Transport</c> meter; a private meter when null.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public TcpTransport(TcpTransportOptions options, TimeProvider? time = null, RandomSource? random = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _codec = options.Codec;
        _time = time ?? TimeProvider.System;
        _random = random ?? RandomSource.FromEntropy();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<TcpTransport>();
        _metrics = new TransportMetrics(meterFactory);
        _handshake = new HandshakeSettings(options.LocalAddress.Id, options.ClusterId, options.ClusterSecret);
        foreach (var peer in options.Peers)
        {
            if (peer.Id != options.LocalAddress.Id)
            {
                _peers[peer.Id] = new PeerLink(peer, options.MaxQueuedFramesPerPeer);
            }
        }
    }

    /// <inheritdoc />
    public NodeId LocalNode => _options.LocalAddress.Id;

    /// <summary>The endpoint the listener is bound to (with the real port when port zero was asked for); null before <see cref="StartAsync"/>.</summary>
    public IPEndPoint? BoundEndPoint { get; private set; }

    /// <summary>The address other nodes should dial: <see cref="TcpTransportOptions.LocalAddress"/> with the bound port.</summary>
    /// <exception cref="InvalidOperationException">The transport has not been started.</exception>
    public NodeAddress BoundAddress => BoundEndPoint is { } bound
        ? new NodeAddress(LocalNode, _options.LocalAddress.Host, bound.Port)
        : throw new InvalidOperationException("Start the transport before asking for its bound address.");

    /// <summary>The addresses of the peers this transport can send to.</summary>
    public IReadOnlyCollection<NodeAddress> Peers => _peers.Values.Select(static link => link.Address).ToArray();

    /// <summary>Binds the listener and starts the connection loops.</summary>
    /// <exception cref="SocketException">The listen address cannot be bound (for example, the port is taken).</exception>
    /// <exception cref="InvalidOperationException">The transport was already started.</exception>
    /// <exception cref="ObjectDisposedException">The transport was disposed.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_state == 2, this);
        var endPoint = new IPEndPoint(await ResolveAsync(_options.LocalAddress.Host, cancellationToken), _options.LocalAddress.Port);
        lock (_startGate)
        {
            ObjectDisposedException.ThrowIf(_state == 2, this);
            if (_state != 0)
            {
                throw new InvalidOperationException("The transport is already started.");
            }

            var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                // Lets a restarted node bind its port again while old connections linger in TIME_WAIT.
                listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                listener.Bind(endPoint);
                listener.Listen(_options.ListenBacklog);
            }
            catch
            {
                listener.Dispose();
                throw;
            }

            _listener = listener;
            BoundEndPoint = (IPEndPoint)listener.LocalEndPoint!;
            _state = 1;
            _acceptLoop = AcceptLoopAsync(listener);
            foreach (var link in _peers.Values)
            {
                StartLink(link);
            }
        }

        Log.Listening(_logger, LocalNode, BoundEndPoint);
    }

    /// <summary>
    /// Adds a peer, or changes the address of a known one. A changed address cuts the current connection
    /// to that peer so the next one goes to the new address; queued envelopes are kept.
    /// </summary>
    /// <exception cref="ArgumentException">The address is this node's own identity.</exception>
    public void AddOrUpdatePeer(NodeAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Id == LocalNode)
        {
            throw new ArgumentException($"{address.Id} is this node; a transport does not dial itself.", nameof(address));
        }

        lock (_startGate)
        {
            ObjectDisposedException.ThrowIf(_state == 2, this);
            if (_peers.TryGetValue(address.Id, out var existing))
            {
                if (existing.Address == address)
                {
                    return;
                }

                existing.Address = address;
                existing.CutCurrentConnection();
            }
            else
            {
                var link = new PeerLink(address, _options.MaxQueuedFramesPerPeer);
                _peers[address.Id] = link;
                if (_state == 1)
                {
                    StartLink(link);
                }
            }
        }

        Log.PeerAddressSet(_logger, address.Id, address.ToString());
    }

    /// <inheritdoc />
    public void SetReceiver(Action<NodeId, Envelope> receiver)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        if (Interlocked.CompareExchange(ref _receiver, receiver, null) is not null)
        {
            throw new InvalidOperationException("The transport already has a receiver.");
        }
    }

    /// <inheritdoc />
    public bool TrySend(NodeId destination, in Envelope envelope)
    {
        if (_state == 2)
        {
            _metrics.Dropped("disposed");
            return false;
        }

        if (!_peers.TryGetValue(destination, out var link))
        {
            _metrics.Dropped("unknown_peer");
            return false;
        }

        if (link.Queue.Writer.TryWrite(envelope))
        {
            return true;
        }

        _metrics.Dropped(_state == 2 ? "disposed" : "queue_full");
        return false;
    }

    /// <inheritdoc />
    public ValueTask SendAsync(NodeId destination, Envelope envelope, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_state == 2, this);
        if (!_peers.TryGetValue(destination, out var link))
        {
            throw new UnknownPeerException(destination);
        }

        return link.Queue.Writer.TryWrite(envelope) ? ValueTask.CompletedTask : WaitForRoomAsync(link, envelope, cancellationToken);
    }

    /// <summary>
    /// Stops listening, closes every connection, fails senders waiting for queue room with
    /// <see cref="ObjectDisposedException"/>, and waits for every loop of the transport to end.
    /// Envelopes still queued are dropped.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        lock (_startGate)
        {
            if (_state == 2)
            {
                return;
            }

            _state = 2;
        }

        await _shutdown.CancelAsync();
        _listener?.Dispose();
        foreach (var link in _peers.Values)
        {
            link.Queue.Writer.TryComplete();
        }

        foreach (var connection in _connections.Keys)
        {
            connection.Abort();
        }

        // The accept loop first, so no connection handler starts after the others are collected.
        // Every loop catches its own errors; this only waits for them to unwind.
        await _acceptLoop;
        await Task.WhenAll(_tasks.Values);
        _metrics.Dispose();
        _shutdown.Dispose();
        Log.Stopped(_logger, LocalNode);
    }

    private async ValueTask WaitForRoomAsync(PeerLink link, Envelope envelope, CancellationToken cancellationToken)
    {
        try
        {
            await link.Queue.Writer.WriteAsync(envelope, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(TcpTransport), "The transport was shut down while the envelope waited for queue room.");
        }
    }

    private void Track(Task task)
    {
        if (task.IsCompleted)
        {
            return;
        }

        var id = Interlocked.Increment(ref _nextTaskId);
        _tasks[id] = task;

        // Forget finished loops so a long-running node does not accumulate them.
        _ = task.ContinueWith(_ => _tasks.TryRemove(id, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private TimeSpan NextReconnectDelay(int failures)
    {
        // Exponential backoff with "equal jitter": half the delay is fixed, half random, so peers that
        // lost the same node do not redial it in lockstep.
        var min = _options.ReconnectMinDelay.Ticks;
        var max = _options.ReconnectMaxDelay.Ticks;
        var ceiling = failures >= 30 ? max : Math.Min(max, min << Math.Max(0, failures));
        if (ceiling <= 0)
        {
            ceiling = max;
        }

        double fraction;
        lock (_randomGate)
        {
            fraction = _random.NextDouble();
        }

        return TimeSpan.FromTicks((ceiling / 2) + (long)(fraction * (ceiling - (ceiling / 2))));
    }

    private static async ValueTask<IPAddress> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }

        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
        return addresses.Length > 0
            ? addresses[0]
            : throw new SocketException((int)SocketError.HostNotFound);
    }
}
