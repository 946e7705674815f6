using Cluster.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chubby;

/// <summary>
/// A session with a Chubby cell (Chubby §2.8): finds the master, keeps the session's lease alive with KeepAlives, keeps a
/// consistent write-through cache, delivers events, and rides out master fail-overs and short network outages.
/// </summary>
/// <remarks>
/// <para>
/// The client tracks a local lease that never ends later than the master's. When it runs out the session is in
/// <see cref="ChubbySessionState.Jeopardy"/>: the cache is flushed and off, and calls wait while the client looks for a master.
/// If a master answers within <see cref="ChubbyClientOptions.GracePeriod"/> the session is <see cref="ChubbySessionState.Safe"/>
/// again; otherwise it is <see cref="ChubbySessionState.Expired"/> and every call fails with <see cref="ChubbySessionExpiredException"/>.
/// </para>
/// <para>
/// The cache holds contents, metadata and absence. The master invalidates a cached node before any change to it is committed,
/// and the client never updates the cache with its own writes, so a read from the cache is never staler than a read from the
/// master would be (linearizable).
/// </para>
/// <para>Public members are thread-safe. Events are raised from the client's KeepAlive loop; handlers must be quick.</para>
/// </remarks>
public sealed partial class ChubbyClient : IAsyncDisposable
{
    private readonly MessageBus _bus;
    private readonly IReadOnlyList<NodeId> _cell;
    private readonly TimeProvider _time;
    private readonly ChubbyClientOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<ulong, ChubbyHandle> _handles = [];
    private readonly SortedSet<ulong> _inFlight = [];
    private NodeId _master;
    private int _nextReplica;
    private ulong _sessionId;
    private ChubbySessionState _state = ChubbySessionState.Safe;
    private string _expiryReason = "";
    private long _localDeadline;
    private long _jeopardySince;
    private TaskCompletionSource _leftJeopardy = NewSignal();
    private ulong _nextSequence;
    private ulong _nextHandleId;
    private ITimer? _watchdog;
    private Task _keepAliveLoop = Task.CompletedTask;
    private CancellationTokenSource? _keepAliveAttempt;
    private int _disposed;

    private ChubbyClient(MessageBus bus, IReadOnlyList<NodeId> cell, TimeProvider time, ChubbyClientOptions options, ILoggerFactory loggerFactory)
    {
        _bus = bus;
        _cell = cell;
        _time = time;
        _options = options;
        _logger = loggerFactory.CreateLogger<ChubbyClient>();
        _master = cell[0];
    }

    /// <summary>Raised for every event: changes to subscribed nodes, lock requests, fail-overs, and session state changes.</summary>
    public event EventHandler<ChubbyEventArgs>? EventRaised;

    /// <summary>The session's id in the cell.</summary>
    public ulong SessionId => _sessionId;

    /// <summary>The session's state as this client sees it.</summary>
    public ChubbySessionState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>The replica the client believes is the master.</summary>
    public NodeId Master
    {
        get
        {
            lock (_gate)
            {
                return _master;
            }
        }
    }

    /// <summary>The epoch of the master that last answered a KeepAlive.</summary>
    public ulong MasterEpoch
    {
        get
        {
            lock (_gate)
            {
                return _epoch;
            }
        }
    }

    /// <summary>The client's settings.</summary>
    public ChubbyClientOptions Options => _options;

    /// <summary>The principal the session acts for (<see cref="ChubbyClientOptions.Principal"/>).</summary>
    public string Principal => _options.Principal;

    /// <summary>
    /// Connects to the cell: finds the master among <paramref name="cell"/> and creates a session.
    /// </summary>
    /// <param name="bus">The client's bus; its registry must hold <see cref="ChubbyMessageTypes"/>.</param>
    /// <param name="cell">The cell's replicas.</param>
    /// <param name="time">The clock for the local lease and timeouts.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="loggerFactory">Where to log; none by default.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <exception cref="TimeoutException">No master answered within <see cref="ChubbyClientOptions.ConnectTimeout"/>.</exception>
    public static async Task<ChubbyClient> ConnectAsync(
        MessageBus bus,
        IReadOnlyList<NodeId> cell,
        TimeProvider time,
        ChubbyClientOptions? options = null,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(cell);
        ArgumentNullException.ThrowIfNull(time);
        if (cell.Count == 0)
        {
            throw new ArgumentException("A cell has at least one replica.", nameof(cell));
        }

        options ??= new ChubbyClientOptions();
        options.Validate();
        var client = new ChubbyClient(bus, [.. cell], time, options, loggerFactory ?? NullLoggerFactory.Instance);
        await client.CreateSessionAsync(cancellationToken);
        return client;
    }

    /// <summary>
    /// Opens a node and returns a handle bound to its current instance (Chubby §2.6). With <see cref="OpenFlags.Create"/> the node
    /// is created when absent, with <paramref name="contents"/>.
    /// </summary>
    /// <param name="path">The node, <c>/ls/&lt;cell&gt;/…</c>.</param>
    /// <param name="flags">Whether and how to create it.</param>
    /// <param name="events">The events the handle subscribes to, raised through <see cref="EventRaised"/>.</param>
    /// <param name="contents">A new file's contents.</param>
    /// <param name="acl">A new node's ACL names; null to inherit its parent's (Chubby §2.4).</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <remarks>
    /// Opening needs any one of the read, write and change-ACL rights on the node; creating needs the write right on its parent
    /// directory. Reading through the handle then needs the read right, writing and locking the write right.
    /// </remarks>
    /// <exception cref="ChubbyException">
    /// The path is invalid, the node does not exist (or exists, for an exclusive create), the contents are too large, or the
    /// principal lacks the right (<see cref="ChubbyErrorCode.PermissionDenied"/>).
    /// </exception>
    /// <exception cref="ChubbySessionExpiredException">The session has expired.</exception>
    public async Task<ChubbyHandle> OpenAsync(string path, OpenFlags flags = OpenFlags.None, EventMask events = EventMask.None, ReadOnlyMemory<byte> contents = default,
        AclNames? acl = null, CancellationToken cancellationToken = default)
    {
        ChubbyPath.Validate(path, _options.CellName);
        ulong handleId;
        lock (_gate)
        {
            handleId = ++_nextHandleId;
        }

        var descriptor = new HandleDescriptor { HandleId = handleId, Path = path, Events = events };
        NodeStat stat;

        // A plain open needs only the instance number, which the cache may know; a handle with events must reach the master.
        if (flags == OpenFlags.None && events == EventMask.None && TryGetCached(path, out var cached))
        {
            stat = cached.Exists ? cached.Stat! : throw NotFound(path);
        }
        else
        {
            var version = CacheVersion;
            var response = await CallAsync(new ChubbyRequest { Operation = ChubbyOperation.Open, Path = path, Flags = flags, Events = events, Contents = contents, Handle = descriptor, Acl = acl }, null, cancellationToken);
            if (response.Status == ChubbyErrorCode.NotFound && response.Cacheable)
            {
                CompleteRead(path, version, new CacheEntry(false, null, null));
            }

            ThrowIfFailed(response, path);
            stat = response.Stat!;
            if (response.Cacheable)
            {
                CompleteRead(path, version, new CacheEntry(true, stat, null));
            }
        }

        var handle = new ChubbyHandle(this, descriptor with { InstanceNumber = stat.InstanceNumber }, stat);
        lock (_gate)
        {
            _handles[handleId] = handle;
        }

        return handle;
    }

    /// <summary>Asks the master whether <paramref name="sequencer"/> still describes a held lock (Chubby §2.4, CheckSequencer).</summary>
    public async Task<bool> CheckSequencerAsync(Sequencer sequencer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sequencer);
        var response = await CallAsync(new ChubbyRequest { Operation = ChubbyOperation.CheckSequencer, Sequencer = sequencer }, null, cancellationToken);
        ThrowIfFailed(response, sequencer.Path);
        return response.SequencerValid;
    }

    /// <summary>Ends the session at the master: its locks are released at once (no lock-delay) and its ephemeral files deleted.</summary>
    public async Task CloseSessionAsync(CancellationToken cancellationToken = default)
    {
        if (State == ChubbySessionState.Expired)
        {
            return;
        }

        var response = await CallAsync(new ChubbyRequest { Operation = ChubbyOperation.CloseSession }, null, cancellationToken);
        if (response.Status is not (ChubbyErrorCode.Ok or ChubbyErrorCode.SessionExpired))
        {
            ThrowIfFailed(response, null);
        }

        SetExpired("the client closed it");
    }

    /// <summary>Stops the client's KeepAlives and timers without closing the session, which then expires at the master.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_watchdog is not null)
        {
            await _watchdog.DisposeAsync();
        }

        await _stopping.CancelAsync();
        try
        {
            await _keepAliveLoop;
        }
        catch (OperationCanceledException)
        {
        }

        lock (_gate)
        {
            _leftJeopardy.TrySetResult();
        }
    }

    internal ChubbyClientOptions ClientOptions => _options;

    internal void Forget(ChubbyHandle handle)
    {
        lock (_gate)
        {
            _handles.Remove(handle.Descriptor.HandleId);
        }
    }

    /// <summary>
    /// Sends a call to the master and returns its answer, asking again (with the same sequence number, so a change applies once)
    /// through timeouts, master changes and jeopardy, until an answer comes or the session expires.
    /// </summary>
    internal async Task<ChubbyResponse> CallAsync(ChubbyRequest request, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ulong sequence;
        lock (_gate)
        {
            sequence = ++_nextSequence;
            _inFlight.Add(sequence);
        }

        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await WaitUntilSafeAsync(cancellationToken);
                NodeId target;
                ulong lowest;
                lock (_gate)
                {
                    target = _master;
                    lowest = _inFlight.Min;
                }

                ChubbyResponse response;
                try
                {
                    response = await _bus.RequestAsync<ChubbyResponse>(target, request with { SessionId = _sessionId, Sequence = sequence, LowestUnacknowledged = lowest },
                        timeout ?? _options.RequestTimeout, cancellationToken);
                }
                catch (Exception exception) when (IsTransportFailure(exception))
                {
                    NextReplica(target);
                    await DelayAsync(_options.RetryDelay, cancellationToken);
                    continue;
                }

                if (response.Status != ChubbyErrorCode.NotMaster)
                {
                    lock (_gate)
                    {
                        if (_master == target)
                        {
                            RedirectKeepAliveLocked();
                        }
                    }
                }

                switch (response.Status)
                {
                    case ChubbyErrorCode.NotMaster:
                        if (!FollowHint(target, response.MasterHint))
                        {
                            await DelayAsync(_options.RetryDelay, cancellationToken);
                        }

                        continue;
                    case ChubbyErrorCode.MasterRecovering:
                        await DelayAsync(_options.RetryDelay, cancellationToken);
                        continue;
                    case ChubbyErrorCode.SessionExpired:
                        SetExpired("the master no longer knows it");
                        throw new ChubbySessionExpiredException(_sessionId, _expiryReason);
                    default:
                        return response;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _inFlight.Remove(sequence);
            }
        }
    }

    internal static void ThrowIfFailed(ChubbyResponse response, string? path)
    {
        if (response.Status != ChubbyErrorCode.Ok)
        {
            throw new ChubbyException(response.Status, path, response.Message ?? $"{response.Status} for {path}.");
        }
    }

    internal static ChubbyException NotFound(string path) => new(ChubbyErrorCode.NotFound, path, $"{path} does not exist.");

    private async Task CreateSessionAsync(CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + _options.ConnectTimeout;
        while (_time.GetUtcNow() < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var target = _master;
            var sentAt = NowMilliseconds;
            ChubbyResponse response;
            try
            {
                response = await _bus.RequestAsync<ChubbyResponse>(target, new ChubbyRequest { Operation = ChubbyOperation.CreateSession, Principal = _options.Principal },
                    _options.RequestTimeout, cancellationToken);
            }
            catch (Exception exception) when (IsTransportFailure(exception))
            {
                NextReplica(target);
                await DelayAsync(_options.RetryDelay, cancellationToken);
                continue;
            }

            if (response.Status == ChubbyErrorCode.Ok)
            {
                lock (_gate)
                {
                    _sessionId = response.SessionId;
                    _epoch = response.MasterEpoch;
                    _localDeadline = sentAt + response.LeaseRemainingMilliseconds;
                    _state = ChubbySessionState.Safe;
                }

                _watchdog = _time.CreateTimer(_ => CheckLease(), null, _options.LeaseCheckInterval, _options.LeaseCheckInterval);
                _keepAliveLoop = RunKeepAliveLoopAsync();
                return;
            }

            if (response.Status == ChubbyErrorCode.InvalidArgument)
            {
                throw new ChubbyException(response.Status, null, response.Message ?? "The master refused to create a session.");
            }

            if (response.Status != ChubbyErrorCode.NotMaster || !FollowHint(target, response.MasterHint))
            {
                await DelayAsync(_options.RetryDelay, cancellationToken);
            }
        }

        throw new TimeoutException($"No master of cell {_options.CellName} among {string.Join(' ', _cell)} created a session within {_options.ConnectTimeout}.");
    }

    private static bool IsTransportFailure(Exception exception) =>
        exception is RpcTimeoutException or RemoteRpcException or UnknownPeerException or RpcOverloadException;

    private void NextReplica(NodeId failed)
    {
        lock (_gate)
        {
            if (_master == failed)
            {
                _nextReplica = (_nextReplica + 1) % _cell.Count;
                _master = _cell[_nextReplica];
            }
        }
    }

    /// <summary>Follows a master hint; false when there is none (the caller then pauses before the next replica).</summary>
    private bool FollowHint(NodeId asked, NodeId hint)
    {
        if (!hint.IsNone && hint != asked)
        {
            lock (_gate)
            {
                _master = hint;
                RedirectKeepAliveLocked();
            }

            return true;
        }

        NextReplica(asked);
        return false;
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        try
        {
            await Task.Delay(delay, _time, linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The client is stopping; the caller's next check reports it.
        }
    }

    private long NowMilliseconds => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Raise(ChubbyEventKind kind, string? path)
    {
        try
        {
            EventRaised?.Invoke(this, new ChubbyEventArgs(kind, path));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // A failing handler must not stop the KeepAlive loop; the event is lost for that handler only.
            Log.EventHandlerFailed(_logger, _bus.LocalNode, kind, exception);
        }
    }
}
