namespace Cluster.Simulation;

/// <summary>
/// A timer in virtual time. Change and Dispose do not search the queue: they bump a version, and a
/// queued firing whose version no longer matches does nothing (lazy cancellation keeps timers cheap).
/// </summary>
internal sealed class VirtualTimer : ITimer, ISimulationEvent
{
    private readonly Simulator _simulator;
    private readonly SimulationContext _context;
    private readonly TimerCallback _callback;
    private readonly object? _state;
    private readonly long _id;
    private long _version;
    private long _periodTicks;
    private bool _disposed;

    public VirtualTimer(Simulator simulator, SimulationContext context, TimerCallback callback, object? state)
    {
        _simulator = simulator;
        _context = context;
        _callback = callback;
        _state = state;
        _id = simulator.NextTimerId();
    }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        ValidateTime(dueTime, nameof(dueTime));
        ValidateTime(period, nameof(period));
        _simulator.AssertOnSimulatorThread();
        if (_disposed)
        {
            return false;
        }

        _version++;

        // As for System.Threading.Timer, a period of zero or infinite means "fire once".
        _periodTicks = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _simulator.Enqueue(_simulator.NowTicks + dueTime.Ticks, _context, this, _version);
        }

        return true;
    }

    public void Fire(long token)
    {
        if (token != _version || _disposed)
        {
            return;
        }

        _simulator.Trace.Record(TraceEventKind.TimerFired, _simulator.NowTicks, NodeValue(_context), (ulong)_id);
        if (_periodTicks > 0)
        {
            _simulator.Enqueue(_simulator.NowTicks + _periodTicks, _context, this, _version);
        }

        _callback(_state);
    }

    public void Dispose()
    {
        _disposed = true;
        _version++;
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    internal static ulong NodeValue(SimulationContext context) => context.Node?.Id.Value ?? 0;

    private static void ValidateTime(TimeSpan time, string name)
    {
        if (time < TimeSpan.Zero && time != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(name, time, $"{name} must be non-negative or Timeout.InfiniteTimeSpan.");
        }
    }
}
