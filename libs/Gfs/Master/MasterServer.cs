using Chubby;
using Cluster.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Raft.Core;

namespace Gfs;

/// <summary>
/// One node of a GFS master group (SOSP'03 §4): a <see cref="RaftNode"/> replicating the <see cref="MasterStateMachine"/>;
/// while it leads, it is the master. It answers clients (namespace changes under path locks, chunk locations, leases),
/// learns chunk locations from chunkserver heartbeats, grants and extends leases with a version bump per new lease, places
/// and re-replicates chunks across racks, copies shared chunks on write after snapshots, and reclaims deleted files lazily.
/// Followers answer <see cref="GfsErrorCode.NotLeader"/> with the leader's id.
/// </summary>
/// <remarks>
/// <para>Persistent metadata goes through the Raft log before any chunkserver or client hears of it: a chunk's version is
/// bumped in the log before the replicas are told and before the primary gets its lease, so a replica that misses the bump is
/// recognised as stale by every later master. Chunk locations and leases are soft state, rebuilt by a new leader from
/// heartbeats during <see cref="MasterOptions.SettleTime"/>. Leases of an earlier master are not adopted: the new master
/// revokes them and grants afresh with a version bump, which fences off the old primary (replicas at the new version refuse
/// it) without waiting for its lease to run out, and leaves any replica it cannot reach at an older, stale version.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed partial class MasterServer : IAsyncDisposable
{
    private readonly MasterOptions _options;
    private readonly MessageBus _bus;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly NamespaceLocks _locks = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<NodeId, ChunkserverState> _servers = [];
    private readonly Dictionary<ulong, HashSet<NodeId>> _locations = [];
    private readonly Dictionary<ulong, long> _lengths = [];
    private readonly Dictionary<ulong, LeaseState> _leases = [];
    private readonly Dictionary<ulong, long> _versionBumpedAt = [];
    private readonly Dictionary<ulong, AsyncLock> _chunkGates = [];
    private readonly HashSet<ulong> _cloning = [];
    private readonly HashSet<ulong> _blocked = [];
    private readonly HashSet<ulong> _reportedLost = [];
    private readonly Dictionary<NodeId, HashSet<ulong>> _pendingDeletes = [];
    private readonly Dictionary<ulong, HashSet<NodeId>> _rollForward = [];
    private ITimer? _maintenance;
    private long _leaderSince;
    private int _maintaining;
    private int _disposed;

    private MasterServer(MasterOptions options, MasterStateMachine stateMachine, MessageBus bus, TimeProvider time, MasterLock? masterLock, ILogger logger)
    {
        _options = options;
        StateMachine = stateMachine;
        _bus = bus;
        _time = time;
        _masterLock = masterLock;
        _logger = logger;
    }

    /// <summary>The Raft node.</summary>
    public RaftNode Node { get; private set; } = null!;

    /// <summary>This node's replica of the master's metadata.</summary>
    public MasterStateMachine StateMachine { get; }

    /// <summary>The settings.</summary>
    public MasterOptions Options => _options;

    /// <summary>The chunkservers this node currently believes alive (only meaningful while it leads).</summary>
    public IReadOnlyList<NodeId> LiveChunkservers
    {
        get
        {
            lock (_gate)
            {
                return [.. _servers.Keys.Order()];
            }
        }
    }

    /// <summary>
    /// The master's persistent metadata per chunk, in bytes: the encoded state divided by the number of chunks (the paper kept
    /// under 64 bytes per chunk). Namespace entries count too, so it is highest for many small files.
    /// </summary>
    public double MetadataBytesPerChunk
    {
        get
        {
            var chunks = StateMachine.ChunkCount;
            return chunks == 0 ? 0 : (double)StateMachine.MetadataBytes / chunks;
        }
    }

    /// <summary>Starts a master node.</summary>
    /// <param name="options">The group's settings; defaults when null.</param>
    /// <param name="raftOptions">The Raft node's settings (its id and the group's members).</param>
    /// <param name="log">The Raft log store.</param>
    /// <param name="snapshots">The snapshot store.</param>
    /// <param name="bus">The bus; its registry must hold <see cref="GfsMessageTypes.CreateRegistry"/>'s types.</param>
    /// <param name="time">The clock.</param>
    /// <param name="random">The seeded random source for elections.</param>
    /// <param name="loggerFactory">Where to log; none by default.</param>
    /// <param name="masterLock">
    /// The Chubby lock the Raft leader must also hold before it acts as master (and whose file then names it); null to elect with
    /// Raft alone. Every node of a group uses the same lock file, each through its own session.
    /// </param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<MasterServer> StartAsync(
        MasterOptions? options,
        RaftNodeOptions raftOptions,
        ILogStore log,
        ISnapshotStore snapshots,
        MessageBus bus,
        TimeProvider time,
        RandomSource random,
        ILoggerFactory? loggerFactory = null,
        MasterLock? masterLock = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(raftOptions);
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(time);
        options ??= new MasterOptions();
        options.Validate();
        loggerFactory ??= NullLoggerFactory.Instance;
        var server = new MasterServer(options, new MasterStateMachine(options), bus, time, masterLock, loggerFactory.CreateLogger<MasterServer>());
        server.Node = await RaftNode.StartAsync(raftOptions, server.StateMachine, log, snapshots, bus, time, random, loggerFactory, cancellationToken);
        server.Node.RoleChanged += server.OnRoleChanged;
        bus.OnRequest<MasterRequest, MasterResponse>(server.HandleRequestAsync);
        bus.OnRequest<ChunkserverHeartbeat, HeartbeatReply>(server.HandleHeartbeatAsync);
        server._maintenance = time.CreateTimer(_ => _ = server.MaintainAsync(), null, options.MaintenanceInterval, options.MaintenanceInterval);
        server._leadershipTimer = time.CreateTimer(_ => _ = server.CheckLeadershipAsync(), null, options.LeadershipCheckInterval, options.LeadershipCheckInterval);
        return server;
    }

    /// <summary>
    /// Stops maintenance and the Raft node. A node that holds the master lock empties the lock file and releases the lock
    /// first (waiting at most <see cref="MasterOptions.ChunkserverRpcTimeout"/>), so the next master need not wait out a
    /// lock-delay. The <see cref="MasterLock"/> stays the caller's.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_maintenance is not null)
        {
            await _maintenance.DisposeAsync();
        }

        if (_leadershipTimer is not null)
        {
            await _leadershipTimer.DisposeAsync();
        }

        if (_masterLock is not null && _heldLock is not null && Interlocked.Exchange(ref _checkingLeadership, 1) == 0)
        {
            using var timeout = new CancellationTokenSource(_options.ChunkserverRpcTimeout, _time);
            try
            {
                await ReleaseMasterLockAsync(_masterLock, timeout.Token);
            }
            catch (Exception exception) when (exception is ChubbyException or OperationCanceledException or TimeoutException or ObjectDisposedException)
            {
                // The lock is released when the session expires.
            }
        }

        // The lock file's handle is left to end with the session: closing it is a call to the cell that cannot be abandoned,
        // and the cell may be the thing that is down.
        if (_lockHandleSession is { } session)
        {
            session.EventRaised -= OnChubbyEvent;
        }

        await Node.DisposeAsync();
    }

    private bool Settling => _time.GetElapsedTime(Volatile.Read(ref _leaderSince)) < _options.SettleTime;

    private void OnRoleChanged(object? sender, RaftRoleChangedEventArgs change)
    {
        if (change.Role == RaftRole.Leader)
        {
            Log.MasterLeading(_logger, Node.Id, change.Term);
        }
        else
        {
            // A leader that lost its term stops at once; its locations and leases are rebuilt from heartbeats by whoever takes
            // over (TakeOverAsync), never adopted.
            Deactivate();
        }

        // Take over (or release the master lock) now rather than at the next periodic check. The check runs from the timer, not
        // from this handler, which the Raft loop raises and which must not wait on the node.
        _leadershipTimer?.Change(TimeSpan.Zero, _options.LeadershipCheckInterval);
    }

    private async ValueTask<MasterResponse> HandleRequestAsync(NodeId from, MasterRequest request, CancellationToken cancellationToken)
    {
        if (NotLeaderResponse() is { } notLeader)
        {
            return notLeader;
        }

        try
        {
            return request.Operation switch
            {
                MasterOperation.CreateFile => await ChangeNamespaceAsync(request, MasterOp.CreateFile, [], [request.Path], cancellationToken),
                MasterOperation.CreateDirectory => await ChangeNamespaceAsync(request, MasterOp.CreateDirectory, [], [request.Path], cancellationToken),
                MasterOperation.Delete => await ChangeNamespaceAsync(request, MasterOp.Delete, [], [request.Path], cancellationToken),
                MasterOperation.Rename => await ChangeNamespaceAsync(request, MasterOp.Rename, [], [request.Path, request.Target], cancellationToken),
                MasterOperation.Undelete => await ChangeNamespaceAsync(request, MasterOp.Undelete, [], [request.Target.Length == 0 ? request.Path : request.Target], cancellationToken),
                MasterOperation.ListTrash => await ListTrashAsync(cancellationToken),
                MasterOperation.Snapshot => await SnapshotAsync(request, cancellationToken),
                MasterOperation.List => await ListAsync(request, cancellationToken),
                MasterOperation.Stat or MasterOperation.FindChunks => await FindChunksAsync(request, cancellationToken),
                MasterOperation.ChunkForWrite => await ChunkForWriteAsync(request, cancellationToken),
                MasterOperation.ReportBadReplica => ReportBadReplica(request),
                _ => new MasterResponse { Code = GfsErrorCode.InvalidArgument, Message = $"Unknown operation {request.Operation}." },
            };
        }
        catch (GfsException exception)
        {
            return new MasterResponse { Code = exception.Code, Message = exception.Message };
        }
        catch (Exception exception) when (exception is NotLeaderException or ProposalOutcomeUnknownException or ProposalRejectedException or ObjectDisposedException or RaftNodeFaultedException or StateMachineFaultedException)
        {
            // The client retries (namespace changes carry their call id, so a retry is answered, not applied twice).
            return new MasterResponse { Code = GfsErrorCode.NotLeader, Message = exception.Message, Leader = Node.Status.Leader.Value };
        }
    }

    private MasterResponse? NotLeaderResponse()
    {
        var status = Node.Status;
        if (!status.IsLeader)
        {
            return new MasterResponse { Code = GfsErrorCode.NotLeader, Message = $"Master node {status.Id} is not the leader.", Leader = status.Leader.Value };
        }

        return IsActing(out _)
            ? null
            : new MasterResponse
            {
                Code = GfsErrorCode.NotReady,
                Message = _masterLock is null
                    ? $"Master node {status.Id} leads the group and is taking over; retry shortly."
                    : $"Master node {status.Id} leads the group but does not hold the master lock {_masterLock.Path} with a safe session yet; retry shortly.",
            };
    }

    private async Task<MasterResponse> ChangeNamespaceAsync(MasterRequest request, MasterOp op, IReadOnlyList<string> readPaths, IReadOnlyList<string> writePaths, CancellationToken cancellationToken)
    {
        foreach (var path in writePaths)
        {
            GfsPath.Validate(path);
        }

        using var held = await _locks.AcquireAsync(readPaths, writePaths, cancellationToken);
        var result = await ProposeAsync(
            new MasterCommand { Op = op, Path = request.Path, Target = request.Target, Recursive = request.Recursive, ClientId = request.ClientId, CallId = request.CallId },
            cancellationToken);
        return new MasterResponse { Code = result.Code, Message = result.Message };
    }

    private async Task<MasterResponse> SnapshotAsync(MasterRequest request, CancellationToken cancellationToken)
    {
        GfsPath.Validate(request.Path);
        GfsPath.Validate(request.Target);
        using var held = await _locks.AcquireAsync([], [request.Path, request.Target], cancellationToken);

        // §3.4: revoke outstanding leases on the source's chunks first, so the next write to any of them comes to the master,
        // which then copies the shared chunk before a new primary mutates it.
        var chunks = await QueryAsync(new MasterCommand { Op = MasterOp.Chunks, Path = request.Path }, cancellationToken);
        if (chunks.Code != GfsErrorCode.None)
        {
            return new MasterResponse { Code = chunks.Code, Message = chunks.Message };
        }

        foreach (var chunk in chunks.Chunks)
        {
            await RevokeLeaseAsync(chunk.Handle, cancellationToken);
        }

        var result = await ProposeAsync(
            new MasterCommand { Op = MasterOp.Snapshot, Path = request.Path, Target = request.Target, ClientId = request.ClientId, CallId = request.CallId },
            cancellationToken);
        return new MasterResponse { Code = result.Code, Message = result.Message, ChunkCount = chunks.Chunks.Count };
    }

    private async Task<MasterResponse> ListAsync(MasterRequest request, CancellationToken cancellationToken)
    {
        GfsPath.Validate(request.Path);
        using var held = await _locks.AcquireAsync([request.Path], [], cancellationToken);
        var result = await QueryAsync(new MasterCommand { Op = MasterOp.List, Path = request.Path }, cancellationToken);
        return new MasterResponse { Code = result.Code, Message = result.Message, IsDirectory = result.IsDirectory, Names = result.Names };
    }

    private async Task<MasterResponse> ListTrashAsync(CancellationToken cancellationToken)
    {
        var result = await QueryAsync(new MasterCommand { Op = MasterOp.Trash }, cancellationToken);
        return new MasterResponse { Code = result.Code, Message = result.Message, Names = result.Names };
    }

    private MasterResponse ReportBadReplica(MasterRequest request)
    {
        var server = new NodeId(request.Server);
        lock (_gate)
        {
            if (_locations.TryGetValue(request.Handle, out var replicas) && replicas.Remove(server))
            {
                Log.BadReplicaReported(_logger, request.Handle, server);
            }

            if (_leases.TryGetValue(request.Handle, out var lease) && lease.Primary == server)
            {
                _leases.Remove(request.Handle);
            }
        }

        return new MasterResponse();
    }

    private async Task<MasterResult> ProposeAsync(MasterCommand command, CancellationToken cancellationToken)
    {
        var bytes = await Node.ProposeAsync(MasterSerializer.Serialize(command), cancellationToken);
        return bytes.IsEmpty
            ? MasterResult.Fail(GfsErrorCode.InvalidArgument, "The master could not decode the command.")
            : MasterSerializer.Deserialize<MasterResult>(bytes);
    }

    private async Task<MasterResult> QueryAsync(MasterCommand query, CancellationToken cancellationToken)
    {
        var bytes = await Node.ReadAsync(MasterSerializer.Serialize(query), cancellationToken);
        return bytes.IsEmpty
            ? MasterResult.Fail(GfsErrorCode.InvalidArgument, "The master could not decode the query.")
            : MasterSerializer.Deserialize<MasterResult>(bytes);
    }
}
