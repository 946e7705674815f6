using System.Threading.Channels;
using Cluster.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Raft.Core;

/// <summary>
/// A Raft node that does its own I/O: it runs a <see cref="RaftCore"/> in one loop (persist a batch with one fsync, send, hand
/// committed entries over, advance), applies entries to an <see cref="IStateMachine"/> in a second loop off the replication path,
/// snapshots and compacts, streams snapshots to lagging followers, and serves proposals, linearizable reads, membership changes,
/// leadership transfer and remote clients (<see cref="RaftClient"/>) over a <see cref="MessageBus"/>.
/// </summary>
/// <remarks>
/// <para>
/// Every environment edge is a parameter — time, randomness, transport, storage, logging — so the same node runs over TCP and
/// real files in production and single-threaded on virtual time in <c>Cluster.Simulation</c>, where one seed gives one trace.
/// </para>
/// <para>
/// Public methods are thread-safe. Results complete asynchronously (never inline on the node's loops). The node stops on an
/// invariant violation or a state machine fault and reports why through <see cref="Status"/>; it never continues diverged.
/// </para>
/// </remarks>
public sealed partial class RaftNode : IAsyncDisposable
{
    private readonly RaftNodeOptions _options;
    private readonly IStateMachine _stateMachine;
    private readonly ILogStore _log;
    private readonly ISnapshotStore _snapshots;
    private readonly MessageBus _bus;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RaftCore _core;
    private readonly Channel<object> _inbox;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _statusGate = new();
    private RaftNodeStatus _status;
    private ITimer? _ticker;
    private Task _loop = Task.CompletedTask;
    private Task _applyLoop = Task.CompletedTask;
    private Exception? _fault;
    private int _disposed;

    private RaftNode(
        RaftNodeOptions options,
        IStateMachine stateMachine,
        ILogStore log,
        ISnapshotStore snapshots,
        MessageBus bus,
        TimeProvider time,
        RandomSource random,
        ILoggerFactory loggerFactory)
    {
        _options = options;
        _stateMachine = stateMachine;
        _log = log;
        _snapshots = snapshots;
        _bus = bus;
        _time = time;
        _logger = loggerFactory.CreateLogger<RaftNode>();
        _core = new RaftCore(options.NodeId, log, options.Raft, random);
        _inbox = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
        _applyQueue = Channel.CreateUnbounded<ApplyWork>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
        _sessions = new SessionTable(options.SessionTimeout, options.MaxSessions, options.MaxResponsesPerSession);
        _status = CaptureStatus();
    }

    /// <summary>This node's id.</summary>
    public NodeId Id => _options.NodeId;

    /// <summary>The node's settings.</summary>
    public RaftNodeOptions Options => _options;

    /// <summary>The node's role, term, leader, indexes and membership, as of its loop's last round.</summary>
    public RaftNodeStatus Status
    {
        get
        {
            lock (_statusGate)
            {
                return _status with { AppliedIndex = Volatile.Read(ref _applied), Fault = _fault };
            }
        }
    }

    /// <summary>The last published status without the apply loop's index: cheap enough for every request.</summary>
    private RaftNodeStatus PublishedStatus
    {
        get
        {
            lock (_statusGate)
            {
                return _status;
            }
        }
    }

    /// <summary>
    /// Raised from the node's loop when its role, term or known leader changes. Handlers must be quick and must not block on the
    /// node; an exception from a handler is logged and ignored.
    /// </summary>
    public event EventHandler<RaftRoleChangedEventArgs>? RoleChanged;

    /// <summary>
    /// Starts a node: bootstraps an empty log with <see cref="RaftNodeOptions.InitialMembers"/>, restores the state machine from the
    /// latest snapshot, and starts the loops, the tick timer and the message handlers on <paramref name="bus"/>.
    /// </summary>
    /// <param name="options">The node's settings.</param>
    /// <param name="stateMachine">The application to replicate; the node owns it from now on.</param>
    /// <param name="log">The log store (for example <see cref="SegmentedLogStore"/>, or <see cref="MemoryRaftLog"/> in tests).</param>
    /// <param name="snapshots">The snapshot store (for example <see cref="FileSnapshotStore"/>).</param>
    /// <param name="bus">The bus to the other nodes and clients, whose registry includes <see cref="RaftMessageTypes"/>.</param>
    /// <param name="time">The clock for ticks and timeouts.</param>
    /// <param name="random">The source for election timeouts.</param>
    /// <param name="loggerFactory">Where to log; none by default.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is invalid.</exception>
    /// <exception cref="InvalidOperationException">The log and snapshot stores do not belong together.</exception>
    public static async Task<RaftNode> StartAsync(
        RaftNodeOptions options,
        IStateMachine stateMachine,
        ILogStore log,
        ISnapshotStore snapshots,
        MessageBus bus,
        TimeProvider time,
        RandomSource random,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stateMachine);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(random);
        options.Validate();
        if (bus.LocalNode != options.NodeId)
        {
            throw new ArgumentException($"The bus speaks for {bus.LocalNode}, but the node is {options.NodeId}.", nameof(bus));
        }

        var snapshotIndex = snapshots.Current?.Index ?? 0;
        if (snapshotIndex < log.Snapshot.Index)
        {
            throw new InvalidOperationException(
                $"The log is compacted through index {log.Snapshot.Index}, but the snapshot store's latest snapshot covers only {snapshotIndex}: " +
                "the entries in between are lost. The stores do not belong together, or the snapshot files were removed.");
        }

        if (IsEmpty(log) && snapshotIndex == 0 && options.InitialMembers.Count > 0)
        {
            var bootstrap = MemoryRaftLog.CreateBootstrapped(options.InitialMembers);
            await log.AppendAsync(bootstrap.Entries(1, 2, long.MaxValue), bootstrap.HardState, sync: true, cancellationToken);
        }

        var node = new RaftNode(options, stateMachine, log, snapshots, bus, time, random, loggerFactory ?? NullLoggerFactory.Instance);
        if (snapshots.Current is not null)
        {
            await node.RestoreFromSnapshotStoreAsync(cancellationToken);
            if (snapshots.Current.Index > log.Snapshot.Index)
            {
                node._compactionCandidate = snapshots.Current;
            }
        }

        node.Start();
        return node;
    }

    private static bool IsEmpty(ILogStore log) => log.LastIndex == 0 && log.Snapshot.Index == 0 && log.InitialState.HardState.IsEmpty;

    private void Start()
    {
        _bus.On<RaftMessage>(OnRaftMessage);
        _bus.OnRequest<SnapshotChunk, SnapshotChunkAck>(HandleSnapshotChunkAsync);
        _bus.OnRequest<ClientRequest, ClientResponse>(HandleClientRequestAsync);
        _startTimestamp = _time.GetTimestamp();
        _loop = RunLoopAsync();
        _applyLoop = RunApplyLoopAsync();
        _ticker = _time.CreateTimer(_ => OnTimer(), null, _options.TickInterval, _options.TickInterval);
        Log.Started(_logger, Id, _core.Term, _core.LastIndex, Volatile.Read(ref _applied), _core.Configuration);
    }

    /// <summary>
    /// Proposes a command without a client session and returns the state machine's result once the command is applied here.
    /// </summary>
    /// <remarks>
    /// Retrying after an error can apply a command twice; use <see cref="RaftClient"/> (client sessions) for exactly-once.
    /// </remarks>
    /// <exception cref="NotLeaderException">This node is not the leader; the exception names the leader when known.</exception>
    /// <exception cref="ProposalTooLargeException">The command exceeds <see cref="RaftOptions.MaxSizePerMessageBytes"/>.</exception>
    /// <exception cref="ProposalRejectedException">Too many proposals are pending, or a leadership transfer is in progress.</exception>
    /// <exception cref="ProposalOutcomeUnknownException">Leadership was lost before the command was applied here.</exception>
    /// <exception cref="StateMachineFaultedException">The node stopped because its state machine threw.</exception>
    public Task<ReadOnlyMemory<byte>> ProposeAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken = default)
    {
        // Errors come back in the task, as from an async method; the happy path allocates the proposal and its task only.
        if ((StoppedError() ?? RefuseProposal()) is { } refused)
        {
            return Task.FromException<ReadOnlyMemory<byte>>(refused);
        }

        var proposal = new CommandProposal(new HostedEntry(HostedEntryKind.Command, NowMilliseconds(), 0, 0, 0, command).Encode());
        proposal.CancelWith(cancellationToken);
        if (!_inbox.Writer.TryWrite(proposal))
        {
            proposal.Fail(StoppedError() ?? new ObjectDisposedException(nameof(RaftNode)));
        }

        return proposal.Task;
    }

    /// <summary>
    /// Runs <paramref name="query"/> against the state machine once it reflects every command committed before the call
    /// (linearizable: ReadIndex by default, or a lease when <see cref="RaftOptions.ReadOnlyMode"/> says so). Works on followers
    /// too, which confirm the read index with the leader.
    /// </summary>
    /// <exception cref="NotLeaderException">No leader is known, or leadership changed while the read waited.</exception>
    /// <exception cref="TimeoutException">The read was not confirmed within two election timeouts.</exception>
    public async Task<ReadOnlyMemory<byte>> ReadAsync(ReadOnlyMemory<byte> query, CancellationToken cancellationToken = default)
    {
        ThrowIfStopped();
        var read = RegisterRead(query);
        using var registration = cancellationToken.Register(() => read.Completion.TrySetCanceled(cancellationToken));
        Post(new Input.Read(read.Id));
        return await read.Completion.Task;
    }

    /// <summary>Proposes a membership change and completes once it is applied here (see <see cref="ConfigChange"/>).</summary>
    /// <exception cref="ProposalRejectedException">Another membership change has not been applied yet.</exception>
    /// <exception cref="NotLeaderException">This node is not the leader.</exception>
    public async Task ChangeMembershipAsync(ConfigChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        ThrowIfStopped();
        var completion = new OutcomeCompletion();
        using var registration = cancellationToken.Register(() => completion.TrySetCanceled(cancellationToken));
        Post(new Input.ChangeMembership(change, completion));
        await completion.Task;
    }

    /// <summary>Adds a voter (a single-server change, Raft thesis §4.1). Catch a new node up as a learner first.</summary>
    public Task AddVoterAsync(NodeId node, CancellationToken cancellationToken = default) => ChangeMembershipAsync(ConfigChange.AddVoter(node), cancellationToken);

    /// <summary>Adds a non-voting learner, which receives the log (or a snapshot) without counting towards quorums.</summary>
    public Task AddLearnerAsync(NodeId node, CancellationToken cancellationToken = default) => ChangeMembershipAsync(ConfigChange.AddLearner(node), cancellationToken);

    /// <summary>Removes a member. A leader that removes itself steps down once the change is applied.</summary>
    public Task RemoveNodeAsync(NodeId node, CancellationToken cancellationToken = default) => ChangeMembershipAsync(ConfigChange.RemoveNode(node), cancellationToken);

    /// <summary>Hands leadership to <paramref name="target"/> (TimeoutNow) and completes when this node sees it lead.</summary>
    /// <exception cref="NotLeaderException">This node is not the leader.</exception>
    /// <exception cref="TimeoutException">The target did not take over within two election timeouts.</exception>
    public async Task TransferLeadershipAsync(NodeId target, CancellationToken cancellationToken = default)
    {
        await PostAndWaitAsync<bool>(completion => new Input.TransferLeadership(target, completion), cancellationToken);
    }

    /// <summary>Takes a snapshot now (instead of waiting for <see cref="RaftNodeOptions.SnapshotThresholdEntries"/>) and returns its index.</summary>
    public async Task<ulong> SnapshotAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfStopped();
        var completion = NewCompletion<ulong>();
        using var registration = cancellationToken.Register(() => completion.TrySetCanceled(cancellationToken));
        if (!_applyQueue.Writer.TryWrite(new ApplyWork.Snapshot(completion)))
        {
            throw new ObjectDisposedException(nameof(RaftNode));
        }

        return await completion.Task;
    }

    /// <summary>Stops the node: the timer, both loops and any snapshot transfer. Pending operations fail. Stores are not disposed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_ticker is not null)
        {
            await _ticker.DisposeAsync();
        }

        await _stopping.CancelAsync();
        _inbox.Writer.TryComplete();
        _applyQueue.Writer.TryComplete();
        await WhenStoppedAsync(_loop);
        await WhenStoppedAsync(_applyLoop);
        await AbortIncomingSnapshotAsync();
        FailPending(static index => new ObjectDisposedException(nameof(RaftNode), $"The node stopped before entry {index} was applied."));
        FailReads(() => new ObjectDisposedException(nameof(RaftNode)));
        _stopping.Dispose();
    }

    private static async Task WhenStoppedAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void ThrowIfStopped()
    {
        if (StoppedError() is { } error)
        {
            throw error;
        }
    }

    /// <summary>Why the node takes no more work, or null while it runs.</summary>
    private Exception? StoppedError() =>
        _fault is { } fault ? AsStopped(fault)
        : Volatile.Read(ref _disposed) != 0 ? new ObjectDisposedException(GetType().FullName)
        : null;

    private static InvalidOperationException AsStopped(Exception fault) =>
        fault as StateMachineFaultedException ?? (InvalidOperationException)new RaftNodeFaultedException(fault);

    private void Post(object input)
    {
        if (!_inbox.Writer.TryWrite(input))
        {
            ThrowIfStopped();
            throw new ObjectDisposedException(nameof(RaftNode));
        }
    }

    /// <summary>Hands the loop an input that completes <typeparamref name="T"/> and waits for it (or for cancellation).</summary>
    private async Task<T> PostAndWaitAsync<T>(Func<TaskCompletionSource<T>, Input> input, CancellationToken cancellationToken)
    {
        ThrowIfStopped();
        var completion = NewCompletion<T>();
        using var registration = cancellationToken.Register(() => completion.TrySetCanceled(cancellationToken));
        Post(input(completion));
        return await completion.Task;
    }

    private long NowMilliseconds() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static TaskCompletionSource<T> NewCompletion<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Fault(Exception exception)
    {
        if (Interlocked.CompareExchange(ref _fault, exception, null) is not null)
        {
            return;
        }

        Log.Faulted(_logger, Id, exception);
        _stopping.Cancel();
        _inbox.Writer.TryComplete();
        _applyQueue.Writer.TryComplete();
        _ticker?.Dispose();
        FailPending(_ => AsStopped(exception));
        FailReads(() => AsStopped(exception));
    }
}
