using System.Runtime.ExceptionServices;
using Cluster.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Simulation;

/// <summary>
/// A single-threaded, deterministic scheduler in virtual time that runs a whole simulated cluster:
/// nodes, their timers, a faulty network and faulty disks. One <see cref="ulong"/> seed fixes every
/// random choice, so one seed always gives the same run and the same <see cref="TraceHash"/>.
/// </summary>
/// <remarks>
/// <para>Events are ordered by (virtual time, sequence number). While an event runs, a
/// <see cref="SynchronizationContext"/> of the simulator is current, so await continuations come back to
/// the queue instead of the thread pool. Work that reaches the simulator from another thread fails the run
/// with <see cref="SimulationEscapeException"/>.</para>
/// <para>Not thread-safe: create, drive and inspect a simulator from one thread.</para>
/// </remarks>
public sealed partial class Simulator
{
    private static readonly SendOrPostCallback InvokeAction = static state => ((Action)state!)();

    private readonly EventQueue _queue = new(1024);
    private readonly List<SimulatedNode> _nodes = [];
    private readonly Dictionary<NodeId, SimulatedNode> _nodesById = [];
    private readonly SimulationContext _harness;
    private readonly int _threadId;
    private readonly ILogger _logger;
    private ExceptionDispatchInfo? _failure;
    private long _now;
    private long _sequence;
    private long _nextTimerId;
    private int _depth;

    /// <summary>Creates a simulator at virtual time zero.</summary>
    /// <param name="seed">Fixes every random choice of the run.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public Simulator(ulong seed, SimulatorOptions? options = null)
    {
        Options = options ?? new SimulatorOptions();
        Options.Validate();
        Seed = seed;
        Random = new RandomSource(seed);
        _threadId = Environment.CurrentManagedThreadId;
        _harness = new SimulationContext(this, null, 0);
        TimeProvider = new VirtualTimeProvider(this, _harness);
        Trace = new SimulationTrace(Options.TraceTextCapacity);
        BaseLoggerFactory = Options.LoggerFactory ?? NullLoggerFactory.Instance;
        _logger = BaseLoggerFactory.CreateLogger<Simulator>();

        // Fixed fork order: the network first, then one source per node as nodes are added.
        Network = new SimulatedNetwork(this, Options.Network ?? new NetworkOptions(), Random.Fork());
    }

    /// <summary>The seed the run was created with.</summary>
    public ulong Seed { get; }

    /// <summary>The settings.</summary>
    public SimulatorOptions Options { get; }

    /// <summary>The root random source; fork it (in a fixed order) for components of a test.</summary>
    public RandomSource Random { get; }

    /// <summary>Virtual time since the start of the run.</summary>
    public TimeSpan Now => new(_now);

    /// <summary>The virtual wall clock: <see cref="SimulatorOptions.Epoch"/> plus <see cref="Now"/>.</summary>
    public DateTimeOffset UtcNow => Options.Epoch + Now;

    /// <summary>A time provider for test harness code; its timers never crash or pause.</summary>
    public VirtualTimeProvider TimeProvider { get; }

    /// <summary>The running hash and optional text log of everything that happened.</summary>
    public SimulationTrace Trace { get; }

    /// <summary>Shorthand for <see cref="SimulationTrace.Hash"/> of <see cref="Trace"/>.</summary>
    public ulong TraceHash => Trace.Hash;

    /// <summary>The network joining every node.</summary>
    public SimulatedNetwork Network { get; }

    /// <summary>The nodes, in the order they were added.</summary>
    public IReadOnlyList<SimulatedNode> Nodes => _nodes;

    /// <summary>How many events have run.</summary>
    public long EventsRun { get; private set; }

    /// <summary>How many events wait in the queue (cancelled timers included until their time comes).</summary>
    public int PendingEvents => _queue.Count;

    internal long NowTicks => _now;

    internal ILoggerFactory BaseLoggerFactory { get; }

    internal ILogger Logger => _logger;

    /// <summary>
    /// Adds a node and calls <paramref name="start"/> with its environment, now and again after every
    /// restart. The start function builds the node's objects; they are abandoned on a crash.
    /// </summary>
    /// <param name="id">The node's identity; unique in this simulation.</param>
    /// <param name="start">Builds the node from its environment; a faulting task fails the run.</param>
    /// <param name="disk">The node's disk settings; <see cref="SimulatorOptions.Disk"/> or defaults when null.</param>
    /// <exception cref="ArgumentException">The identity is <see cref="NodeId.None"/> or already used.</exception>
    public SimulatedNode AddNode(NodeId id, Func<NodeEnvironment, Task> start, DiskOptions? disk = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        AssertOnSimulatorThread();
        if (id.IsNone)
        {
            throw new ArgumentException("A simulated node needs a non-zero identity.", nameof(id));
        }

        if (_nodesById.ContainsKey(id))
        {
            throw new ArgumentException($"Node {id} already exists in this simulation.", nameof(id));
        }

        var node = new SimulatedNode(this, id, start, disk ?? Options.Disk ?? new DiskOptions(), Random.Fork());
        _nodes.Add(node);
        _nodesById.Add(id, node);
        Network.AddNode(node);
        node.Start();
        return node;
    }

    /// <summary>Adds a node whose start function is synchronous; see <see cref="AddNode(NodeId, Func{NodeEnvironment, Task}, DiskOptions?)"/>.</summary>
    public SimulatedNode AddNode(NodeId id, Action<NodeEnvironment> start, DiskOptions? disk = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        return AddNode(id, environment =>
        {
            start(environment);
            return Task.CompletedTask;
        }, disk);
    }

    /// <summary>Returns the node with identity <paramref name="id"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such node.</exception>
    public SimulatedNode GetNode(NodeId id) =>
        _nodesById.TryGetValue(id, out var node) ? node : throw new KeyNotFoundException($"Node {id} is not part of this simulation.");

    /// <summary>Runs <paramref name="action"/> as harness code after <paramref name="delay"/> of virtual time.</summary>
    public void Schedule(TimeSpan delay, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        AssertOnSimulatorThread();
        Push(_now + delay.Ticks, _harness, null, InvokeAction, action, 0);
    }

    /// <summary>Runs the next event, advancing virtual time to it.</summary>
    /// <returns>False when the queue is empty.</returns>
    /// <exception cref="SimulationEscapeException">Work reached the simulator from another thread.</exception>
    public bool Step()
    {
        AssertOnSimulatorThread();
        if (_depth > 0)
        {
            throw new InvalidOperationException("Step and Run cannot be called from inside simulated code; they drive the simulation from the test.");
        }

        ThrowIfFailed();
        if (_queue.Count == 0)
        {
            return false;
        }

        var next = _queue.Pop();
        _now = next.Time;
        Dispatch(in next);
        ThrowIfFailed();
        return true;
    }

    /// <summary>Runs every event due up to virtual time <paramref name="until"/>, then sets the clock to it.</summary>
    public void Run(TimeSpan until)
    {
        ThrowIfFailed();
        var limit = until.Ticks;
        while (_queue.Count > 0 && _queue.PeekTime <= limit)
        {
            Step();
        }

        if (limit > _now)
        {
            _now = limit;
        }
    }

    /// <summary>Runs for <paramref name="duration"/> of virtual time from now.</summary>
    public void RunFor(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        Run(Now + duration);
    }

    /// <summary>Runs events until <paramref name="predicate"/> holds (checked before each event) or <paramref name="timeout"/> of virtual time passes.</summary>
    /// <returns>Whether the predicate held.</returns>
    public bool RunUntil(Func<bool> predicate, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ThrowIfFailed();
        var deadline = _now + timeout.Ticks;
        while (true)
        {
            if (predicate())
            {
                return true;
            }

            if (_queue.Count == 0 || _queue.PeekTime > deadline)
            {
                _now = Math.Max(_now, deadline);
                return predicate();
            }

            Step();
        }
    }

    /// <summary>
    /// Starts <paramref name="body"/> as harness code inside the simulation and runs events until its task
    /// completes, then returns (or rethrows its exception).
    /// </summary>
    /// <exception cref="TimeoutException">The task did not complete within <paramref name="timeout"/> of virtual time.</exception>
    /// <exception cref="SimulationDeadlockException">The task waits but nothing is scheduled.</exception>
    public void Run(Func<Task> body, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        Task? task = null;
        RunInContext(_harness, () => task = body());
        Pump(task!, timeout ?? Options.DefaultRunTimeout);
        task!.GetAwaiter().GetResult();
    }

    /// <summary>Like <see cref="Run(Func{Task}, TimeSpan?)"/>, returning the task's result.</summary>
    public T Run<T>(Func<Task<T>> body, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        Task<T>? task = null;
        RunInContext(_harness, () => task = body());
        Pump(task!, timeout ?? Options.DefaultRunTimeout);
        return task!.GetAwaiter().GetResult();
    }

    /// <summary>Throws <see cref="SimulationEscapeException"/> (and fails the run) when called off the simulator's thread.</summary>
    public void AssertOnSimulatorThread()
    {
        if (Environment.CurrentManagedThreadId != _threadId)
        {
            var exception = new SimulationEscapeException(
                $"Simulated code ran on thread {Environment.CurrentManagedThreadId}, not the simulator's thread {_threadId}: " +
                "something escaped to the thread pool (Task.Run, ConfigureAwait(false), a real timer or real I/O).");
            ReportFailure(exception);
            throw exception;
        }
    }

    internal long NextTimerId() => ++_nextTimerId;

    internal void Enqueue(long time, SimulationContext context, ISimulationEvent target, long token) =>
        Push(time, context, target, null, null, token);

    /// <summary>Schedules an event that its owner may take back with <see cref="Cancel"/> (timers do, so the queue holds no dead timers).</summary>
    internal (int Slot, long Sequence) EnqueueCancellable(long time, SimulationContext context, ISimulationEvent target, long token)
    {
        var sequence = _sequence;
        var slot = Push(time, context, target, null, null, token);
        return (slot, sequence);
    }

    internal void Cancel(int slot, long sequence) => _queue.Remove(slot, sequence);

    internal void PostFromContext(SimulationContext context, SendOrPostCallback callback, object? state)
    {
        if (Environment.CurrentManagedThreadId != _threadId)
        {
            // Throwing here would land on a thread-pool thread nobody observes; fail the run instead.
            ReportFailure(new SimulationEscapeException(
                $"A continuation was posted to the simulator from thread {Environment.CurrentManagedThreadId}: " +
                "some awaited work completed outside the simulation (Task.Run, Task.Delay without the TimeProvider, real I/O)."));
            return;
        }

        Push(_now, context, null, callback, state, 0);
    }

    internal void Requeue(in ScheduledEvent held) => Push(_now, held.Context, held.Target, held.Callback, held.State, held.Token);

    internal void ReportFailure(Exception exception) =>
        Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(exception), null);

    /// <summary>Runs <paramref name="action"/> now with <paramref name="context"/> current, so its awaits come back to that context.</summary>
    internal void RunInContext(SimulationContext context, Action action)
    {
        AssertOnSimulatorThread();
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        _depth++;
        try
        {
            action();
        }
        finally
        {
            _depth--;
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    internal void TraceLine(string text) => Trace.AddLine(_now, text);

    private int Push(long time, SimulationContext context, ISimulationEvent? target, SendOrPostCallback? callback, object? state, long token)
    {
        if (_queue.Count >= Options.MaxQueuedEvents)
        {
            throw new InvalidOperationException($"More than {Options.MaxQueuedEvents} events are queued; the simulation schedules without bound (raise SimulatorOptions.MaxQueuedEvents if this is intended).");
        }

        var item = new ScheduledEvent
        {
            Time = time < _now ? _now : time,
            Sequence = _sequence++,
            Context = context,
            Target = target,
            Callback = callback,
            State = state,
            Token = token,
        };
        return _queue.Push(in item);
    }

    private void Dispatch(in ScheduledEvent item)
    {
        var context = item.Context;
        if (context.IsDead)
        {
            return;
        }

        if (context.Node is { IsPaused: true } node)
        {
            node.Hold(in item);
            return;
        }

        EventsRun++;
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        _depth++;
        try
        {
            if (item.Callback is { } callback)
            {
                Trace.Record(TraceEventKind.Continuation, _now, VirtualTimer.NodeValue(context));
                callback(item.State);
            }
            else
            {
                item.Target!.Fire(item.Token);
            }
        }
        finally
        {
            _depth--;
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private void Pump(Task task, TimeSpan timeout)
    {
        var deadline = _now + timeout.Ticks;
        while (!task.IsCompleted)
        {
            ThrowIfFailed();
            if (_queue.Count == 0)
            {
                throw new SimulationDeadlockException(Now);
            }

            if (_queue.PeekTime > deadline)
            {
                _now = Math.Max(_now, deadline);
                throw new TimeoutException($"The simulated task did not complete within {timeout} of virtual time (now {Now}).");
            }

            Step();
        }
    }

    private void ThrowIfFailed() => _failure?.Throw();
}
