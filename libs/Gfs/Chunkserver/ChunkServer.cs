using Cluster.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gfs;

/// <summary>
/// A GFS chunkserver (SOSP'03 §2–3, §5.2): serves its <see cref="ChunkStore"/>'s replicas over a message bus. Pushed data is
/// buffered and forwarded along the client's chain as each piece arrives; as primary (holding the master's lease) it orders
/// writes and record appends with serial numbers and forwards them to the secondaries; as secondary it applies them in that
/// order. Every request quotes the chunk version, and a replica at another version refuses it, so stale replicas and stale
/// primaries are fenced off. Reads are checksum-verified by the store before a byte leaves. Heartbeats report its chunks to
/// the master, ask for lease extensions, and bring back the replicas to delete.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed partial class ChunkServer : IAsyncDisposable
{
    private readonly ChunkServerOptions _options;
    private readonly ChunkStore _store;
    private readonly MessageBus _bus;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PushBuffer _pushed;
    private readonly HashSet<NodeId> _masters;
    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, HeldLease> _leases = [];
    private readonly Dictionary<ulong, AsyncLock> _chunkGates = [];
    private readonly Dictionary<ulong, (ulong Version, ulong Serial)> _serials = [];
    private readonly SemaphoreSlim _heartbeatGate = new(1, 1);
    private readonly MasterLock? _masterLock;
    private NodeId _leader;
    private ulong _epoch;
    private int _masterCursor;
    private ITimer? _heartbeat;
    private ITimer? _scrubber;
    private ulong _scrubCursor;
    private int _scrubbing;
    private int _disposed;

    private ChunkServer(ChunkServerOptions options, ChunkStore store, MessageBus bus, TimeProvider time, MasterLock? masterLock, ILogger logger)
    {
        _options = options;
        _store = store;
        _bus = bus;
        _time = time;
        _masterLock = masterLock;
        _logger = logger;
        _pushed = new PushBuffer(options.PushBufferBytes);
        _masters = [.. options.Masters];
    }

    /// <summary>This chunkserver.</summary>
    public NodeId Id => _bus.LocalNode;

    /// <summary>The replicas it holds.</summary>
    public ChunkStore Store => _store;

    /// <summary>The chunks for which it currently holds an unexpired lease (is primary).</summary>
    public IReadOnlyList<ulong> LeasedChunks
    {
        get
        {
            var now = _time.GetTimestamp();
            lock (_gate)
            {
                return [.. _leases.Where(l => l.Value.Expires > now).Select(l => l.Key).Order()];
            }
        }
    }

    /// <summary>The master it reports to (the last one that answered, or the one the master lock names), or none while it looks for one.</summary>
    public NodeId Master
    {
        get
        {
            lock (_gate)
            {
                return _leader;
            }
        }
    }

    /// <summary>The newest master epoch it has seen; commands and answers of older epochs (deposed masters) are refused.</summary>
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

    /// <summary>Starts serving <paramref name="store"/> on <paramref name="bus"/> and heartbeating to the master.</summary>
    /// <param name="options">The settings; <see cref="ChunkServerOptions.Masters"/> is required.</param>
    /// <param name="store">The replicas (opened and recovered).</param>
    /// <param name="bus">The bus; its registry must hold <see cref="GfsMessageTypes"/>.</param>
    /// <param name="time">The clock for leases, heartbeats and timeouts.</param>
    /// <param name="loggerFactory">Where to log; none by default.</param>
    /// <param name="masterLock">
    /// Where to find the master: heartbeats go to the master its Chubby file names (commands are still accepted only from
    /// <see cref="ChunkServerOptions.Masters"/>). Null to probe the master group's nodes and follow their hints.
    /// </param>
    public static ChunkServer Start(ChunkServerOptions options, ChunkStore store, MessageBus bus, TimeProvider time, ILoggerFactory? loggerFactory = null, MasterLock? masterLock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        var server = new ChunkServer(options, store, bus, time, masterLock, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ChunkServer>());
        bus.OnRequest<ChunkCommand, ChunkResponse>(server.HandleCommandAsync);
        bus.OnRequest<PushDataRequest, ChunkResponse>(server.HandlePushAsync);
        bus.OnRequest<MutateRequest, ChunkResponse>(server.HandleMutateAsync);
        bus.OnRequest<ApplyMutationRequest, ChunkResponse>(server.HandleApplyAsync);
        bus.OnRequest<ReadChunkRequest, ReadChunkResponse>(server.HandleReadAsync);
        server._heartbeat = time.CreateTimer(_ => _ = server.HeartbeatAsync(), null, TimeSpan.Zero, options.HeartbeatInterval);
        if (options.ScrubInterval > TimeSpan.Zero)
        {
            server._scrubber = time.CreateTimer(_ => _ = server.ScrubNextAsync(), null, options.ScrubInterval, options.ScrubInterval);
        }

        return server;
    }

    /// <summary>Stops heartbeating. The store stays open; the caller owns it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_heartbeat is not null)
        {
            await _heartbeat.DisposeAsync();
        }

        if (_scrubber is not null)
        {
            await _scrubber.DisposeAsync();
        }
    }

    /// <summary>Verifies every block of the next chunk in handle order that holds no lease; a failure marks it corrupt, which the next heartbeat reports.</summary>
    /// <returns>The chunk verified and the first corrupt block (-1 when it is sound), or null when there was nothing to verify.</returns>
    public async Task<(ulong Handle, long CorruptBlock)?> ScrubNextAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _disposed) != 0 || Interlocked.Exchange(ref _scrubbing, 1) != 0)
        {
            return null;
        }

        try
        {
            ulong handle;
            lock (_gate)
            {
                var candidates = _store.List().Where(c => !c.IsCorrupt && !_leases.ContainsKey(c.Handle)).Select(c => c.Handle).Order().ToList();
                if (candidates.Count == 0)
                {
                    return null;
                }

                handle = candidates.FirstOrDefault(h => h > _scrubCursor, candidates[0]);
                _scrubCursor = handle;
            }

            var gate = ChunkGate(handle);
            await gate.WaitAsync(cancellationToken);
            try
            {
                var corrupt = await _store.VerifyAsync(handle, cancellationToken);
                if (corrupt >= 0)
                {
                    Log.ReadFoundCorruption(_logger, Id, handle, corrupt);
                }

                return (handle, corrupt);
            }
            catch (ChunkNotFoundException)
            {
                return null;
            }
            catch (ChunkCorruptException exception)
            {
                Log.ReadFoundCorruption(_logger, Id, handle, exception.BlockIndex);
                return (handle, exception.BlockIndex);
            }
            finally
            {
                gate.Release();
            }
        }
        finally
        {
            Volatile.Write(ref _scrubbing, 0);
        }
    }

    /// <summary>Sends one heartbeat now and applies the master's answer; returns when done or when no master answered.</summary>
    public async Task HeartbeatAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _disposed) != 0 || !await _heartbeatGate.WaitAsync(0, cancellationToken))
        {
            return;
        }

        try
        {
            var sent = _time.GetTimestamp();
            var chunks = _store.List();
            List<ChunkVersion> leases;
            lock (_gate)
            {
                leases = [.. _leases.Where(l => l.Value.Expires > sent && l.Value.WantsExtension).Select(l => new ChunkVersion(l.Key, l.Value.Version))];
            }

            var heartbeat = new ChunkserverHeartbeat
            {
                Rack = _options.Rack,
                CapacityBytes = _options.CapacityBytes,
                UsedBytes = chunks.Sum(c => c.Length),
                Chunks = [.. chunks.Select(c => new ChunkReport(c.Handle, c.Version, c.Length, c.IsCorrupt))],
                Leases = leases,
            };

            var attempts = _masterLock is null ? _masters.Count + 1 : 2;
            for (var attempt = 0; attempt < attempts; attempt++)
            {
                var master = await PickMasterAsync(cancellationToken);
                if (master.IsNone)
                {
                    // The master lock names nobody yet (a take-over in progress); the next heartbeat looks again.
                    return;
                }

                HeartbeatReply reply;
                try
                {
                    reply = await _bus.RequestAsync<HeartbeatReply>(master, heartbeat, _options.RpcTimeout, cancellationToken);
                }
                catch (Exception exception) when (exception is RpcTimeoutException or RemoteRpcException or RpcOverloadException or UnknownPeerException)
                {
                    ForgetLeader(master);
                    continue;
                }

                if (reply.Code == GfsErrorCode.NotLeader)
                {
                    FollowHint(master, new NodeId(reply.Leader));
                    continue;
                }

                if (reply.Code == GfsErrorCode.NotReady)
                {
                    // It leads the group and is taking over: report at the next heartbeat. With a master lock, read the lock file
                    // again then, in case this node never gets the lock.
                    if (_masterLock is not null)
                    {
                        ForgetLeader(master);
                    }

                    return;
                }

                if (!AcceptEpoch(reply.Epoch, out var newest))
                {
                    Log.ReplyFromDeposedMaster(_logger, Id, master, reply.Epoch, newest);
                    ForgetLeader(master);
                    continue;
                }

                await ApplyHeartbeatReplyAsync(reply, sent, cancellationToken);
                return;
            }

            Log.NoMasterAnswered(_logger, Id);
        }
        catch (ObjectDisposedException)
        {
            // Shutting down.
        }
        finally
        {
            _heartbeatGate.Release();
        }
    }

    private async Task ApplyHeartbeatReplyAsync(HeartbeatReply reply, long sent, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // Extensions count from when the heartbeat left, which is no later than when the master received it.
            var until = sent + ToTicks(reply.LeaseDuration - LeaseMargin(reply.LeaseDuration));
            foreach (var extension in reply.Extended)
            {
                if (_leases.TryGetValue(extension.Handle, out var lease) && lease.Version == extension.Version)
                {
                    lease.Expires = Math.Max(lease.Expires, until);
                    lease.WantsExtension = false;
                }
            }

            foreach (var revoked in reply.Revoked)
            {
                if (_leases.TryGetValue(revoked.Handle, out var lease) && lease.Version == revoked.Version)
                {
                    _leases.Remove(revoked.Handle);
                }
            }
        }

        foreach (var handle in reply.Delete)
        {
            lock (_gate)
            {
                _leases.Remove(handle);
            }

            var gate = ChunkGate(handle);
            await gate.WaitAsync(cancellationToken);
            try
            {
                await _store.DeleteAsync(handle, cancellationToken);
                Log.ReplicaDeleted(_logger, Id, handle);
            }
            catch (ChunkNotFoundException)
            {
                // Already gone.
            }
            finally
            {
                gate.Release();
            }
        }
    }

    private async Task<NodeId> PickMasterAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_leader.IsNone)
            {
                return _leader;
            }

            if (_masterLock is null)
            {
                var masters = _options.Masters;
                return masters[_masterCursor++ % masters.Count];
            }
        }

        NodeId found;
        // The timer runs on this component's clock (virtual in the simulator), not the system's, as CancelAfter would.
        using var timer = new CancellationTokenSource(_options.RpcTimeout, _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            found = await _masterLock.FindMasterAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            return NodeId.None;
        }

        lock (_gate)
        {
            // Only a member of the group may be the master (commands from anyone else are refused anyway).
            _leader = _masters.Contains(found) ? found : NodeId.None;
            return _leader;
        }
    }

    /// <summary>
    /// Whether a master of <paramref name="epoch"/> may be obeyed: not if a newer one has been seen (fencing, Chubby §2.4
    /// sequencers). A newer epoch becomes the one to beat.
    /// </summary>
    private bool AcceptEpoch(ulong epoch, out ulong newest)
    {
        lock (_gate)
        {
            if (epoch < _epoch)
            {
                newest = _epoch;
                return false;
            }

            _epoch = epoch;
            newest = epoch;
            return true;
        }
    }

    private void ForgetLeader(NodeId master)
    {
        lock (_gate)
        {
            if (_leader == master)
            {
                _leader = NodeId.None;
            }
        }
    }

    private void FollowHint(NodeId master, NodeId hint)
    {
        lock (_gate)
        {
            // With a master lock the group's Raft leader is not necessarily the master yet: the lock file says who is.
            _leader = _masterLock is null && !hint.IsNone && hint != master && _masters.Contains(hint) ? hint : NodeId.None;
        }
    }

    private AsyncLock ChunkGate(ulong handle)
    {
        lock (_gate)
        {
            if (!_chunkGates.TryGetValue(handle, out var gate))
            {
                gate = new AsyncLock();
                _chunkGates[handle] = gate;
            }

            return gate;
        }
    }

    private long ToTicks(TimeSpan span) => (long)(Math.Max(0, span.TotalSeconds) * _time.TimestampFrequency);

    /// <summary>
    /// The primary stops acting this long before the lease's nominal end, covering the delay of the grant message: the master
    /// counts from when it sent the grant, the chunkserver from when it got it.
    /// </summary>
    private static TimeSpan LeaseMargin(TimeSpan duration) => duration / 10;

    /// <summary>A lease this chunkserver holds as primary.</summary>
    private sealed class HeldLease(ulong version, long expires)
    {
        public ulong Version { get; } = version;

        public long Expires { get; set; } = expires;

        /// <summary>Whether a mutation arrived since the last extension (§3.1: extensions are requested while the chunk is mutated).</summary>
        public bool WantsExtension { get; set; }
    }
}
