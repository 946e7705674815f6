using Cluster.Core;

namespace Raft.Core;

/// <summary>
/// A client of a Raft cluster of <see cref="RaftNode"/>s: finds the leader, retries across nodes, and runs commands under a client
/// session so that a command retried after a lost answer or a leader change is applied exactly once (Raft thesis §6.3).
/// </summary>
/// <remarks>
/// <para>
/// The session is opened on the first command and kept alive while the client lives. If it expires (the client was cut off for
/// longer than the nodes' session timeout) commands fail with <see cref="SessionExpiredException"/>: their fate is unknown,
/// and <see cref="ResetSessionAsync"/> opens a new session.
/// </para>
/// <para>Thread-safe; concurrent commands are pipelined under one session.</para>
/// </remarks>
public sealed class RaftClient : IAsyncDisposable
{
    private readonly MessageBus _bus;
    private readonly NodeId[] _servers;
    private readonly TimeProvider _time;
    private readonly RaftClientOptions _options;
    private readonly Lock _gate = new();
    private readonly SortedSet<ulong> _outstanding = [];
    private readonly SemaphoreSlim _sessionGate = new(1, 1);
    private readonly ITimer _keepAlive;
    private ulong _clientId;
    private ulong _nextSequence = 1;
    private NodeId _leader;
    private int _next;
    private long _lastActivityTimestamp;
    private int _disposed;

    /// <summary>Creates a client that talks to <paramref name="servers"/> through <paramref name="bus"/>.</summary>
    /// <param name="bus">The client's bus; its registry must include <see cref="RaftMessageTypes"/>.</param>
    /// <param name="servers">The cluster's nodes (any subset that includes live ones).</param>
    /// <param name="time">The clock for timeouts and keep-alives.</param>
    /// <param name="options">Settings; defaults when null.</param>
    public RaftClient(MessageBus bus, IEnumerable<NodeId> servers, TimeProvider time, RaftClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(time);
        _bus = bus;
        _servers = [.. servers.Distinct()];
        if (_servers.Length == 0)
        {
            throw new ArgumentException("A client needs at least one server.", nameof(servers));
        }

        _time = time;
        _options = options ?? new RaftClientOptions();
        _options.Validate();
        _keepAlive = time.CreateTimer(_ => _ = KeepAliveAsync(), null, _options.KeepAliveInterval, _options.KeepAliveInterval);
    }

    /// <summary>The session's client id, or 0 before the first command.</summary>
    public ulong ClientId => Volatile.Read(ref _clientId);

    /// <summary>The leader the client last heard of.</summary>
    public NodeId Leader
    {
        get
        {
            lock (_gate)
            {
                return _leader;
            }
        }
    }

    /// <summary>Applies <paramref name="command"/> exactly once, retrying across nodes, and returns the state machine's result.</summary>
    /// <exception cref="SessionExpiredException">The session expired; the command's fate is unknown.</exception>
    /// <exception cref="TimeoutException">No node answered within <see cref="RaftClientOptions.OperationTimeout"/>; the command's fate is unknown.</exception>
    /// <exception cref="InvalidOperationException">The cluster refused the command (for example, too large).</exception>
    public async Task<ReadOnlyMemory<byte>> ExecuteAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var clientId = await EnsureSessionAsync(cancellationToken);
        ulong sequence;
        lock (_gate)
        {
            sequence = _nextSequence++;
            _outstanding.Add(sequence);
        }

        try
        {
            var response = await SendAsync(
                () => new ClientRequest
                {
                    Kind = ClientRequestKind.Command,
                    ClientId = clientId,
                    Sequence = sequence,
                    LowestUnacknowledged = LowestUnacknowledged(),
                    Payload = command,
                },
                cancellationToken);
            return response.Result;
        }
        finally
        {
            lock (_gate)
            {
                _outstanding.Remove(sequence);
            }
        }
    }

    /// <summary>Runs a linearizable read-only query and returns its result.</summary>
    /// <exception cref="TimeoutException">No node answered within <see cref="RaftClientOptions.OperationTimeout"/>.</exception>
    public async Task<ReadOnlyMemory<byte>> ReadAsync(ReadOnlyMemory<byte> query, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var response = await SendAsync(() => new ClientRequest { Kind = ClientRequestKind.Read, Payload = query }, cancellationToken);
        return response.Result;
    }

    /// <summary>Drops the current session (after an expiry) so the next command opens a new one.</summary>
    public async Task ResetSessionAsync(CancellationToken cancellationToken = default)
    {
        await _sessionGate.WaitAsync(cancellationToken);
        try
        {
            Volatile.Write(ref _clientId, 0);
            lock (_gate)
            {
                _nextSequence = 1;
                _outstanding.Clear();
            }
        }
        finally
        {
            _sessionGate.Release();
        }
    }

    /// <summary>Closes the session on the cluster (best effort) and stops the keep-alives.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _keepAlive.DisposeAsync();
        var clientId = ClientId;
        if (clientId != 0)
        {
            try
            {
                using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
                await SendAsync(() => new ClientRequest { Kind = ClientRequestKind.CloseSession, ClientId = clientId }, timeout.Token);
            }
            catch (Exception exception) when (exception is TimeoutException or OperationCanceledException or SessionExpiredException or InvalidOperationException)
            {
                // The session expires on its own.
            }
        }

        _sessionGate.Dispose();
    }

    private async ValueTask<ulong> EnsureSessionAsync(CancellationToken cancellationToken)
    {
        var clientId = ClientId;
        if (clientId != 0)
        {
            return clientId;
        }

        await _sessionGate.WaitAsync(cancellationToken);
        try
        {
            if (ClientId == 0)
            {
                // Opening is not deduplicated: a retried open may leave an unused session behind, which expires.
                var response = await SendAsync(() => new ClientRequest { Kind = ClientRequestKind.OpenSession }, cancellationToken);
                Volatile.Write(ref _clientId, response.ClientId);
            }

            return ClientId;
        }
        finally
        {
            _sessionGate.Release();
        }
    }

    private ulong LowestUnacknowledged()
    {
        lock (_gate)
        {
            return _outstanding.Count > 0 ? _outstanding.Min : _nextSequence;
        }
    }

    private async Task<ClientResponse> SendAsync(Func<ClientRequest> request, CancellationToken cancellationToken)
    {
        var deadline = _time.GetTimestamp();
        var delay = _options.MinRetryDelay;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_time.GetElapsedTime(deadline) > _options.OperationTimeout)
            {
                throw new TimeoutException($"No node of the cluster completed the request within {_options.OperationTimeout}; its outcome is unknown.");
            }

            var target = PickServer();
            ClientResponse response;
            try
            {
                response = await _bus.RequestAsync<ClientResponse>(target, request(), _options.RequestTimeout, cancellationToken);
            }
            catch (Exception exception) when (exception is RpcTimeoutException or RemoteRpcException or UnknownPeerException or RpcOverloadException)
            {
                ForgetLeader(target);
                await Task.Delay(delay, _time, cancellationToken);
                delay = NextDelay(delay);
                continue;
            }

            Volatile.Write(ref _lastActivityTimestamp, _time.GetTimestamp());
            switch (response.Status)
            {
                case ClientResponseStatus.Ok:
                    SetLeader(target);
                    return response;
                case ClientResponseStatus.SessionExpired:
                    throw new SessionExpiredException(response.ClientId);
                case ClientResponseStatus.Rejected:
                    throw new InvalidOperationException(response.Message ?? "The cluster refused the request.");
                case ClientResponseStatus.NotLeader when !response.LeaderHint.IsNone && response.LeaderHint != target:
                    SetLeader(response.LeaderHint);
                    continue;
                default:
                    // NotLeader without a hint, Unknown (leadership changed), Failed (node stopped): try again, elsewhere if needed.
                    if (response.Status != ClientResponseStatus.Unknown || response.LeaderHint.IsNone)
                    {
                        ForgetLeader(target);
                    }
                    else
                    {
                        SetLeader(response.LeaderHint);
                    }

                    await Task.Delay(delay, _time, cancellationToken);
                    delay = NextDelay(delay);
                    continue;
            }
        }
    }

    private TimeSpan NextDelay(TimeSpan delay) => delay * 2 > _options.MaxRetryDelay ? _options.MaxRetryDelay : delay * 2;

    private NodeId PickServer()
    {
        lock (_gate)
        {
            if (!_leader.IsNone)
            {
                return _leader;
            }

            var server = _servers[_next % _servers.Length];
            _next++;
            return server;
        }
    }

    private void SetLeader(NodeId leader)
    {
        lock (_gate)
        {
            _leader = leader;
        }
    }

    private void ForgetLeader(NodeId failed)
    {
        lock (_gate)
        {
            if (_leader == failed)
            {
                _leader = NodeId.None;
            }

            // Start the round-robin after the node that failed.
            var position = Array.IndexOf(_servers, failed);
            if (position >= 0)
            {
                _next = position + 1;
            }
        }
    }

    private async Task KeepAliveAsync()
    {
        var clientId = ClientId;
        if (clientId == 0 || Volatile.Read(ref _disposed) != 0 || _time.GetElapsedTime(Volatile.Read(ref _lastActivityTimestamp)) < _options.KeepAliveInterval)
        {
            return;
        }

        try
        {
            await SendAsync(() => new ClientRequest { Kind = ClientRequestKind.KeepAlive, ClientId = clientId, LowestUnacknowledged = LowestUnacknowledged() }, CancellationToken.None);
        }
        catch (Exception exception) when (exception is TimeoutException or SessionExpiredException or InvalidOperationException or OperationCanceledException)
        {
            // A keep-alive that fails leaves the next command to discover the session's state.
        }
    }
}
