using Cluster.Core;
using MessagePack;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Raft.Core;

namespace Chubby;

/// <summary>
/// One replica of a Chubby cell: a <see cref="RaftNode"/> replicating the cell's database, and, while that node leads, the master
/// that serves clients over the <see cref="MessageBus"/> (Chubby §2.1). Other replicas answer every call with the master's identity.
/// </summary>
/// <remarks>
/// <para>
/// What is replicated (the log): the namespace with contents and metadata, lock holders and lock-delays, sessions, and for each
/// session the latest lease end any master has promised. What is the master's soft state: lease ends, held KeepAlives, handles and
/// event subscriptions, the cache table and lock waiters. A master records a lease end in the log before it promises it, so a
/// new master honours every promise without reading the old master's clock (see DESIGN.md).
/// </para>
/// <para>Public members are thread-safe.</para>
/// </remarks>
public sealed partial class ChubbyServer : IAsyncDisposable
{
    private readonly ChubbyServerOptions _options;
    private readonly ChubbyStateMachine _stateMachine;
    private readonly MessageBus _bus;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private MasterState? _master;
    private ITimer? _sweeper;
    private int _disposed;

    private ChubbyServer(ChubbyServerOptions options, MessageBus bus, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _options = options;
        _stateMachine = new ChubbyStateMachine(new ChubbyDatabase(options));
        _bus = bus;
        _time = time;
        _logger = loggerFactory.CreateLogger<ChubbyServer>();
    }

    /// <summary>The Raft node replicating the database (for status, membership changes and leadership transfer).</summary>
    public RaftNode Raft { get; private set; } = null!;

    /// <summary>This replica's id.</summary>
    public NodeId Id => Raft.Id;

    /// <summary>The cell's settings.</summary>
    public ChubbyServerOptions Options => _options;

    /// <summary>Whether this replica is the master and has taken over (its first entry of the term is applied).</summary>
    public bool IsMaster
    {
        get
        {
            lock (_gate)
            {
                return _master is { Ready: true, Abandoned: false };
            }
        }
    }

    /// <summary>The master epoch (Raft term) this replica serves as master, or 0.</summary>
    public ulong MasterEpoch
    {
        get
        {
            lock (_gate)
            {
                return _master is { Ready: true } master ? master.Epoch : 0;
            }
        }
    }

    /// <summary>The sessions this master tracks with their lease ends (Unix ms); empty on other replicas. For tests and tools.</summary>
    public IReadOnlyDictionary<ulong, long> LeaseDeadlines
    {
        get
        {
            lock (_gate)
            {
                return _master?.Leases.ToDictionary(l => l.Key, l => l.Value.DeadlineMilliseconds) ?? [];
            }
        }
    }

    internal ChubbyDatabase Database => _stateMachine.Database;

    /// <summary>
    /// Starts a replica: the Raft node with the cell's state machine, and the handlers of <see cref="ChubbyMessageTypes"/> on
    /// <paramref name="bus"/> (whose registry must hold them and <see cref="RaftMessageTypes"/>, see <see cref="ChubbyMessageTypes.CreateRegistry"/>).
    /// </summary>
    /// <param name="options">The cell's settings; the same on every replica.</param>
    /// <param name="raftOptions">The Raft node's settings (id, founding members, timeouts).</param>
    /// <param name="log">The Raft log store.</param>
    /// <param name="snapshots">The Raft snapshot store.</param>
    /// <param name="bus">The bus to the other replicas and to clients.</param>
    /// <param name="time">The clock for leases, ticks and timeouts.</param>
    /// <param name="random">The source for election timeouts.</param>
    /// <param name="loggerFactory">Where to log; none by default.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is invalid; the message names it.</exception>
    public static async Task<ChubbyServer> StartAsync(
        ChubbyServerOptions options,
        RaftNodeOptions raftOptions,
        ILogStore log,
        ISnapshotStore snapshots,
        MessageBus bus,
        TimeProvider time,
        RandomSource random,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(raftOptions);
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        if (options.MaxFileBytes + 4096 > raftOptions.Raft.MaxSizePerMessageBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxFileBytes,
                $"ChubbyServerOptions.MaxFileBytes ({options.MaxFileBytes}) plus 4 KiB of framing must fit in RaftOptions.MaxSizePerMessageBytes ({raftOptions.Raft.MaxSizePerMessageBytes}).");
        }

        loggerFactory ??= NullLoggerFactory.Instance;
        var server = new ChubbyServer(options, bus, time, loggerFactory);
        server.Raft = await RaftNode.StartAsync(raftOptions, server._stateMachine, log, snapshots, bus, time, random, loggerFactory, cancellationToken);
        server.Raft.RoleChanged += server.OnRoleChanged;
        bus.OnRequest<ChubbyRequest, ChubbyResponse>(server.HandleRequestAsync);
        bus.OnRequest<KeepAliveRequest, KeepAliveResponse>(server.HandleKeepAliveAsync);
        server._sweeper = time.CreateTimer(_ => server.Sweep(), null, options.SweepInterval, options.SweepInterval);
        return server;
    }

    /// <summary>Stops serving and stops the Raft node. Stores are not disposed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_sweeper is not null)
        {
            await _sweeper.DisposeAsync();
        }

        lock (_gate)
        {
            Abandon(_master);
            _master = null;
        }

        await Raft.DisposeAsync();
    }

    private long NowMilliseconds => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private void OnRoleChanged(object? sender, RaftRoleChangedEventArgs change) => FollowRaftRole(change.Role == RaftRole.Leader, change.Term);

    /// <summary>Starts a master for a new term, or drops the master state when leadership is gone.</summary>
    private void FollowRaftRole(bool isLeader, ulong term)
    {
        MasterState? start = null;
        lock (_gate)
        {
            if (isLeader && (_master is null || _master.Epoch != term))
            {
                Abandon(_master);
                _master = start = new MasterState(term);
            }
            else if (!isLeader && _master is not null)
            {
                Abandon(_master);
                _master = null;
            }
        }

        if (start is not null)
        {
            _ = TakeOverAsync(start);
        }
    }

    /// <summary>
    /// Chubby §2.9: the new master logs its epoch; once that entry is applied every earlier change is too, and the entry's result
    /// is the session table with each session's recorded lease promise. Each lease is extended to at least that promise.
    /// </summary>
    private async Task TakeOverAsync(MasterState master)
    {
        lock (_gate)
        {
            if (master.Abandoned || master.Electing || master.Ready)
            {
                return;
            }

            master.Electing = true;
        }

        DatabaseResult result;
        try
        {
            result = await ProposeAsync(new DatabaseCommand { Kind = CommandKind.MasterElected, Term = master.Epoch, TimeMilliseconds = NowMilliseconds });
        }
        catch (Exception exception) when (IsMasterLoss(exception))
        {
            lock (_gate)
            {
                master.Electing = false; // the sweep tries again while this node still leads
            }

            return;
        }

        lock (_gate)
        {
            master.Electing = false;
            if (master.Abandoned || _master != master)
            {
                return;
            }

            var now = NowMilliseconds;
            var extension = (long)_options.EffectiveFailoverExtension.TotalMilliseconds;
            foreach (var record in result.Sessions ?? [])
            {
                // At least the old promise; plus time to find the new master, but never more than one extension past the recorded
                // promise, so leader churn cannot keep a dead session alive (the deadline does not restart at each take-over).
                var promised = record.PromisedUntilMilliseconds;
                var deadline = Math.Max(promised, Math.Min(now + extension, promised + extension));
                master.Leases[record.SessionId] = new SessionLease(record.SessionId, deadline);
            }

            master.Ready = true;
            master.WritesAllowed = master.Leases.Count == 0;
            Log.BecameMaster(_logger, Id, _options.CellName, master.Epoch, master.Leases.Count);
        }
    }

    private void Abandon(MasterState? master)
    {
        if (master is null || master.Abandoned)
        {
            return;
        }

        master.Abandoned = true;
        var hint = Raft.Status.Leader;
        foreach (var lease in master.Leases.Values)
        {
            var held = lease.Held;
            lease.Held = null;
            held?.Completion.TrySetResult(new KeepAliveResponse { Status = ChubbyErrorCode.NotMaster, MasterHint = hint == Id ? NodeId.None : hint });
            foreach (var (_, owner) in lease.Unacknowledged)
            {
                owner.Completion.TrySetException(new MasterChangedException());
            }
        }

        foreach (var waiter in master.Waiters.Values.SelectMany(w => w))
        {
            waiter.Completion.TrySetResult();
        }

        if (master.Ready)
        {
            Log.LostMastership(_logger, Id, master.Epoch);
        }
    }

    private async Task<DatabaseResult> ProposeAsync(DatabaseCommand command)
    {
        var bytes = MessagePackSerializer.Serialize(command, ChubbyDatabase.Serializer);
        var result = await Raft.ProposeAsync(bytes);
        return MessagePackSerializer.Deserialize<DatabaseResult>(result, ChubbyDatabase.Serializer);
    }

    private async Task<DatabaseResult> QueryAsync(DatabaseQuery query)
    {
        var bytes = MessagePackSerializer.Serialize(query, ChubbyDatabase.Serializer);
        var result = await Raft.ReadAsync(bytes);
        return MessagePackSerializer.Deserialize<DatabaseResult>(result, ChubbyDatabase.Serializer);
    }

    /// <summary>Errors that mean "this replica is not (or no longer) a master that can finish the call"; the client asks again.</summary>
    private static bool IsMasterLoss(Exception exception) => exception is NotLeaderException or ProposalOutcomeUnknownException
        or ProposalRejectedException or TimeoutException or MasterChangedException or ObjectDisposedException or OperationCanceledException
        or StateMachineFaultedException or InvalidOperationException;

    /// <summary>The master hint for a refusal: the leader this replica knows of, never itself.</summary>
    private NodeId MasterHint()
    {
        var leader = Raft.Status.Leader;
        return leader == Id ? NodeId.None : leader;
    }
}
