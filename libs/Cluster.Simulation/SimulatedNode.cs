using Cluster.Core;

namespace Cluster.Simulation;

/// <summary>
/// One simulated process: a start function, a disk that outlives crashes, and the current incarnation's
/// environment. Crash, restart, pause and resume it from tests, a <see cref="FaultSchedule"/> or the
/// <see cref="Nemesis"/>.
/// </summary>
/// <remarks>
/// <para>A crash abandons every object the incarnation built: its timers are cancelled, its queued
/// continuations and in-flight deliveries to it are discarded, and its disk loses what was not synced.
/// A restart calls the start function again with a fresh environment over the surviving disk.</para>
/// <para>A pause models a stalled process (a long GC, a stopped VM): nothing of the node runs, and its
/// timers, deliveries and continuations wait, in order, until <see cref="Resume"/>.</para>
/// </remarks>
public sealed class SimulatedNode
{
    private readonly Simulator _simulator;
    private readonly Func<NodeEnvironment, Task> _start;
    private readonly RandomSource _random;
    private readonly List<ScheduledEvent> _held = [];
    private SimulatedTransport? _transport;

    internal SimulatedNode(Simulator simulator, NodeId id, Func<NodeEnvironment, Task> start, DiskOptions diskOptions, RandomSource random)
    {
        _simulator = simulator;
        Id = id;
        _start = start;
        _random = random;
        Disk = new SimulatedDisk(simulator, this, diskOptions, random.Fork());
        Context = new SimulationContext(simulator, this, 0) { IsDead = true };
        State = NodeState.Crashed;
    }

    /// <summary>The node's identity.</summary>
    public NodeId Id { get; }

    /// <summary>The node's disk; the same object across restarts.</summary>
    public SimulatedDisk Disk { get; }

    /// <summary>Whether the node runs, is paused or crashed.</summary>
    public NodeState State { get; private set; }

    /// <summary>Whether the node is paused.</summary>
    public bool IsPaused => State == NodeState.Paused;

    /// <summary>Whether the node is up (running or paused).</summary>
    public bool IsUp => State != NodeState.Crashed;

    /// <summary>Counts starts: 1 after the first start, 2 after the first restart, and so on.</summary>
    public int Incarnation { get; private set; }

    /// <summary>The current incarnation's environment; null while crashed.</summary>
    public NodeEnvironment? Environment { get; private set; }

    internal SimulationContext Context { get; private set; }

    internal SimulatedTransport? Transport => _transport;

    /// <summary>
    /// Crashes the node: its volatile state is lost and its disk keeps only synced data (plus, as the
    /// seed chooses, a prefix of unsynced writes, the last possibly torn).
    /// </summary>
    /// <param name="tearLastWrite">Force the last surviving unsynced write to be torn, whatever <see cref="DiskOptions.TornWriteProbability"/> says.</param>
    /// <exception cref="InvalidOperationException">The node is already crashed.</exception>
    public void Crash(bool tearLastWrite = false)
    {
        _simulator.AssertOnSimulatorThread();
        if (State == NodeState.Crashed)
        {
            throw new InvalidOperationException($"Node {Id} is already crashed; restart it first.");
        }

        Context.IsDead = true;
        _held.Clear();
        _transport?.Kill();
        _transport = null;
        _simulator.Network.OnNodeCrashed(Id);
        Disk.Crash(tearLastWrite);
        Environment = null;
        State = NodeState.Crashed;
        _simulator.Trace.Record(TraceEventKind.Fault, _simulator.NowTicks, Id.Value, 1);
        TraceLine("crash");
        Log.NodeCrashed(_simulator.Logger, Id, _simulator.Now);
    }

    /// <summary>Starts a new incarnation of a crashed node over its surviving disk.</summary>
    /// <exception cref="InvalidOperationException">The node is up.</exception>
    public void Restart()
    {
        _simulator.AssertOnSimulatorThread();
        if (State != NodeState.Crashed)
        {
            throw new InvalidOperationException($"Node {Id} is {State}; only a crashed node can restart.");
        }

        _simulator.Trace.Record(TraceEventKind.Fault, _simulator.NowTicks, Id.Value, 2);
        TraceLine("restart");
        Log.NodeRestarted(_simulator.Logger, Id, Incarnation + 1, _simulator.Now);
        Start();
    }

    /// <summary>Stalls the node: nothing of it runs until <see cref="Resume"/>.</summary>
    /// <exception cref="InvalidOperationException">The node is not running.</exception>
    public void Pause()
    {
        _simulator.AssertOnSimulatorThread();
        if (State != NodeState.Running)
        {
            throw new InvalidOperationException($"Node {Id} is {State}; only a running node can pause.");
        }

        State = NodeState.Paused;
        _simulator.Trace.Record(TraceEventKind.Fault, _simulator.NowTicks, Id.Value, 3);
        TraceLine("pause");
        Log.NodePaused(_simulator.Logger, Id, _simulator.Now);
    }

    /// <summary>Resumes a paused node; everything held runs now, in the order it was due.</summary>
    /// <exception cref="InvalidOperationException">The node is not paused.</exception>
    public void Resume()
    {
        _simulator.AssertOnSimulatorThread();
        if (State != NodeState.Paused)
        {
            throw new InvalidOperationException($"Node {Id} is {State}; only a paused node can resume.");
        }

        State = NodeState.Running;
        _simulator.Trace.Record(TraceEventKind.Fault, _simulator.NowTicks, Id.Value, 4, (ulong)_held.Count);
        TraceLine("resume");
        Log.NodeResumed(_simulator.Logger, Id, _held.Count, _simulator.Now);
        foreach (var item in _held)
        {
            _simulator.Requeue(in item);
        }

        _held.Clear();
    }

    /// <inheritdoc />
    public override string ToString() => $"{Id} ({State}, incarnation {Incarnation})";

    internal void Hold(in ScheduledEvent item) => _held.Add(item);

    internal void Start()
    {
        Incarnation++;
        Context = new SimulationContext(_simulator, this, Incarnation);
        var time = new VirtualTimeProvider(_simulator, Context);
        _transport = _simulator.Network.CreateTransport(this, Context);
        var loggers = new SimulationLoggerFactory(_simulator, _simulator.BaseLoggerFactory, Id.ToString());
        var environment = new NodeEnvironment(this, Incarnation, time, _random.Fork(), _transport, loggers);
        Environment = environment;
        State = NodeState.Running;
        _simulator.Trace.Record(TraceEventKind.NodeStarted, _simulator.NowTicks, Id.Value, (ulong)Incarnation);
        TraceLine("start");
        _simulator.RunInContext(Context, () =>
        {
            var task = _start(environment);
            ObserveStart(task);
        });
    }

    private void ObserveStart(Task task)
    {
        if (task.IsCompleted)
        {
            CheckStart(task);
            return;
        }

        // The continuation is posted to this incarnation's context, so a crash before the task ends discards it.
        task.GetAwaiter().UnsafeOnCompleted(() => CheckStart(task));
    }

    private void CheckStart(Task task)
    {
        if (task.IsFaulted)
        {
            _simulator.ReportFailure(new InvalidOperationException($"The start function of node {Id} (incarnation {Incarnation}) failed.", task.Exception));
        }
    }

    private void TraceLine(string what)
    {
        if (_simulator.Trace.IsTextEnabled)
        {
            _simulator.TraceLine($"{Id} {what}");
        }
    }
}
