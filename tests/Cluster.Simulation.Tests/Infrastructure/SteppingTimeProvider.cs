namespace Cluster.Simulation.Tests.Infrastructure;

/// <summary>A clock that moves forward by a fixed step every time it is read, so deadlines pass deterministically.</summary>
internal sealed class SteppingTimeProvider(TimeSpan step) : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        _ticks += step.Ticks;
        return _ticks;
    }
}
