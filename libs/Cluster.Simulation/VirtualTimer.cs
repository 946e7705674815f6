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
    private int _slot = -1;
    private long _scheduledSequence;
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
        Unschedule();

        // As for System.Threading.Timer, a period of zero or infinite means "fire once".
        _periodTicks = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            Schedule(_simulator.NowTicks + dueTime.Ticks);
        }

        return true;
    }

    public void Fire(long token)
    {
        if (token != _version || _disposed)
        {
            return;
        }

        _slot = -1;

        _simulator.Trace.Record(TraceEventKind.TimerFired, _simulator.NowTicks, NodeValue(_context), (ulong)_id);
        if (_periodTicks > 0)
        {
            Schedule(_simulator.NowTicks + _periodTicks);
        }

        _callback(_state);
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _version++;
            Unschedule();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void Schedule(long time) => (_slot, _scheduledSequence) = _simulator.EnqueueCancellable(time, _context, this, _version);

    /// <summary>Takes the pending firing out of the queue; the version check stays as a guard for a firing held by a paused node.</summary>
    private void Unschedule()
    {
        if (_slot >= 0)
        {
            _simulator.Cancel(_slot, _scheduledSequence);
            _slot = -1;
        }
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
