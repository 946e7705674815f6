using Cluster.Core;
using Microsoft.Extensions.Logging;

namespace Cluster.Simulation;

/// <summary>Settings of a <see cref="Simulator"/>, validated at construction.</summary>
public sealed class SimulatorOptions
{
    /// <summary>Default of <see cref="Epoch"/>: 2030-01-01T00:00:00Z, far from any real clock so leaks stand out.</summary>
    public static readonly DateTimeOffset DefaultEpoch = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Default of <see cref="DefaultRunTimeout"/>: ten virtual minutes.</summary>
    public static readonly TimeSpan DefaultRunTimeoutValue = TimeSpan.FromMinutes(10);

    /// <summary>Default of <see cref="MaxQueuedEvents"/>.</summary>
    public const int DefaultMaxQueuedEvents = 16 * 1024 * 1024;

    /// <summary>Default of <see cref="TraceTextCapacity"/>: the text trace is off.</summary>
    public const int DefaultTraceTextCapacity = 0;

    /// <summary>The wall-clock instant virtual time zero maps to.</summary>
    public DateTimeOffset Epoch { get; init; } = DefaultEpoch;

    /// <summary>How much virtual time <see cref="Simulator.Run(Func{Task}, TimeSpan?)"/> allows when the caller gives no timeout.</summary>
    public TimeSpan DefaultRunTimeout { get; init; } = DefaultRunTimeoutValue;

    /// <summary>The most events that may wait in the queue; more means runaway scheduling and fails the run.</summary>
    public int MaxQueuedEvents { get; init; } = DefaultMaxQueuedEvents;

    /// <summary>How many of the latest trace entries are kept as text for debugging; zero turns the text trace off (faster).</summary>
    public int TraceTextCapacity { get; init; } = DefaultTraceTextCapacity;

    /// <summary>Where the simulator's and the nodes' logs go; the nodes' loggers prefix virtual time and node. Null means no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The simulated network's settings; defaults when null.</summary>
    public NetworkOptions? Network { get; init; }

    /// <summary>The disk settings nodes get unless <see cref="Simulator.AddNode(NodeId, Func{NodeEnvironment, Task}, DiskOptions?)"/> names others.</summary>
    public DiskOptions? Disk { get; init; }

    internal void Validate()
    {
        if (DefaultRunTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(DefaultRunTimeout), DefaultRunTimeout, "DefaultRunTimeout must be positive.");
        }

        if (MaxQueuedEvents < 16)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxQueuedEvents), MaxQueuedEvents, "MaxQueuedEvents must be at least 16.");
        }

        if (TraceTextCapacity < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TraceTextCapacity), TraceTextCapacity, "TraceTextCapacity must not be negative.");
        }
    }
}
