namespace Cluster.Simulation;

/// <summary>
/// A <see cref="TimeProvider"/> on the simulator's virtual clock: <see cref="GetUtcNow"/> is a fixed epoch
/// plus the virtual time elapsed, timestamps count virtual ticks, and timers are events in the
/// simulator's queue.
/// </summary>
/// <remarks>
/// Each node incarnation gets its own provider; its timers belong to that incarnation, so a crash
/// cancels them and a pause holds them. Use only on the simulator's thread.
/// </remarks>
public sealed class VirtualTimeProvider : TimeProvider
{
    private readonly Simulator _simulator;

    internal VirtualTimeProvider(Simulator simulator, SimulationContext context)
    {
        _simulator = simulator;
        Context = context;
    }

    internal SimulationContext Context { get; }

    /// <summary>Virtual ticks per second: one tick is 100 ns, as for <see cref="TimeSpan"/>.</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>The simulation runs in UTC so time-zone rules never differ between machines.</summary>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _simulator.Options.Epoch + _simulator.Now;

    /// <inheritdoc />
    public override long GetTimestamp() => _simulator.NowTicks;

    /// <summary>Creates a virtual timer; its callback runs on the simulator's thread in this provider's node context.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A time is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        _simulator.AssertOnSimulatorThread();
        var timer = new VirtualTimer(_simulator, Context, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }
}
