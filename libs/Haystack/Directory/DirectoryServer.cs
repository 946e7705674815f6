using Cluster.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Raft.Core;

namespace Haystack;

/// <summary>
/// One Directory node: a <see cref="RaftNode"/> replicating a <see cref="DirectoryStateMachine"/>, answering
/// <see cref="DirectoryClient"/>s over its message bus (followers answer "not leader" with a hint), and, while it leads,
/// marking down Stores that stop heartbeating.
/// </summary>
/// <remarks>
/// The Store monitor is the only part that reads a clock, so it runs outside the state machine: the leader remembers when it
/// applied each Store's last heartbeat and proposes <c>MarkStoreDown</c> quoting that heartbeat's log index, which the state
/// machine ignores if a newer heartbeat got in first. A new leader gives every Store a full <see cref="DirectoryServerOptions.StoreTimeout"/>
/// before judging it.
/// </remarks>
public sealed class DirectoryServer : IAsyncDisposable
{
    private readonly DirectoryServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<NodeId, (ulong Index, long Timestamp)> _lastHeartbeat = [];
    private readonly HashSet<NodeId> _markingDown = [];
    private ITimer? _monitor;
    private long _leaderSince;
    private int _disposed;

    private DirectoryServer(DirectoryServerOptions options, DirectoryStateMachine stateMachine, TimeProvider time, ILogger logger)
    {
        _options = options;
        StateMachine = stateMachine;
        _time = time;
        _logger = logger;
    }

    /// <summary>The Raft node.</summary>
    public RaftNode Node { get; private set; } = null!;

    /// <summary>This node's replica of the Directory.</summary>
    public DirectoryStateMachine StateMachine { get; }

    /// <summary>Starts a Directory node.</summary>
    /// <param name="raftOptions">The Raft node's settings (its id and the Directory's members).</param>
    /// <param name="options">The Directory's settings; defaults when null.</param>
    /// <param name="log">The Raft log store.</param>
    /// <param name="snapshots">The snapshot store.</param>
    /// <param name="bus">The bus; its registry must hold <see cref="RaftMessageTypes"/> (see <see cref="HaystackMessageTypes.CreateRegistry"/>).</param>
    /// <param name="time">The clock.</param>
    /// <param name="random">The seeded random source for elections.</param>
    /// <param name="loggerFactory">Where to log; none by default.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<DirectoryServer> StartAsync(
        RaftNodeOptions raftOptions,
        DirectoryServerOptions? options,
        ILogStore log,
        ISnapshotStore snapshots,
        MessageBus bus,
        TimeProvider time,
        RandomSource random,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(raftOptions);
        ArgumentNullException.ThrowIfNull(time);
        options ??= new DirectoryServerOptions();
        options.Validate();
        loggerFactory ??= NullLoggerFactory.Instance;
        var server = new DirectoryServer(options, new DirectoryStateMachine(options.Directory), time, loggerFactory.CreateLogger<DirectoryServer>());
        server.StateMachine.HeartbeatApplied += server.OnHeartbeatApplied;
        server.Node = await RaftNode.StartAsync(raftOptions, server.StateMachine, log, snapshots, bus, time, random, loggerFactory, cancellationToken);
        server.Node.RoleChanged += server.OnRoleChanged;
        server._monitor = time.CreateTimer(_ => server.Monitor(), null, options.MonitorInterval, options.MonitorInterval);
        return server;
    }

    /// <summary>Stops the monitor and the Raft node.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_monitor is not null)
        {
            await _monitor.DisposeAsync();
        }

        await Node.DisposeAsync();
    }

    private void OnHeartbeatApplied(NodeId store, ulong index)
    {
        lock (_gate)
        {
            _lastHeartbeat[store] = (index, _time.GetTimestamp());
        }
    }

    private void OnRoleChanged(object? sender, RaftRoleChangedEventArgs change)
    {
        if (change.Role == RaftRole.Leader)
        {
            Volatile.Write(ref _leaderSince, _time.GetTimestamp());
        }
    }

    private void Monitor()
    {
        if (Volatile.Read(ref _disposed) != 0 || !Node.Status.IsLeader || _time.GetElapsedTime(Volatile.Read(ref _leaderSince)) < _options.StoreTimeout)
        {
            return;
        }

        foreach (var (store, index) in StateMachine.StoresNotDown())
        {
            lock (_gate)
            {
                if (!_lastHeartbeat.TryGetValue(store, out var seen) || seen.Index != index)
                {
                    // Known only from a snapshot, or applied before this node kept count: start its clock now.
                    _lastHeartbeat[store] = (index, _time.GetTimestamp());
                    continue;
                }

                if (_time.GetElapsedTime(seen.Timestamp) < _options.StoreTimeout || !_markingDown.Add(store))
                {
                    continue;
                }
            }

            Log.StoreMissedHeartbeats(_logger, store, _options.StoreTimeout);
            _ = MarkDownAsync(store, index);
        }
    }

    private async Task MarkDownAsync(NodeId store, ulong index)
    {
        try
        {
            await Node.ProposeAsync(DirectorySerializer.Serialize<DirectoryCommand>(new MarkStoreDownCommand { Store = store, LastHeartbeatIndex = index }));
        }
        catch (Exception exception) when (exception is NotLeaderException or ProposalOutcomeUnknownException or ProposalRejectedException or ObjectDisposedException or StateMachineFaultedException or InvalidOperationException)
        {
            // The next leader's monitor judges the Store again.
        }
        finally
        {
            lock (_gate)
            {
                _markingDown.Remove(store);
            }
        }
    }
}
