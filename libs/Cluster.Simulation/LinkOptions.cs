using Cluster.Core;

namespace Cluster.Simulation;

/// <summary>How one directed link of the <see cref="SimulatedNetwork"/> behaves: latency, loss and duplication.</summary>
/// <remarks>Immutable; swap a link's options with <see cref="SimulatedNetwork.SetLink"/> or <see cref="SimulatedNetwork.DefaultLink"/>.</remarks>
public sealed class LinkOptions
{
    /// <summary>Default of <see cref="MinLatency"/>: 0.5 ms.</summary>
    public static readonly TimeSpan DefaultMinLatency = TimeSpan.FromMicroseconds(500);

    /// <summary>Default of <see cref="MaxLatency"/>: 5 ms.</summary>
    public static readonly TimeSpan DefaultMaxLatency = TimeSpan.FromMilliseconds(5);

    private readonly TimeSpan _minLatency = DefaultMinLatency;
    private readonly TimeSpan _maxLatency = DefaultMaxLatency;
    private readonly double _lossProbability;
    private readonly double _duplicateProbability;

    /// <summary>The shortest one-way latency.</summary>
    public TimeSpan MinLatency
    {
        get => _minLatency;
        init => _minLatency = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(MinLatency), value, "MinLatency must not be negative.");
    }

    /// <summary>The longest one-way latency; latencies are uniform between the two unless <see cref="Latency"/> is set.</summary>
    public TimeSpan MaxLatency
    {
        get => _maxLatency;
        init => _maxLatency = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(MaxLatency), value, "MaxLatency must not be negative.");
    }

    /// <summary>
    /// A custom latency distribution drawing from the network's random source (for example a long tail);
    /// results are clamped to [<see cref="MinLatency"/>, <see cref="MaxLatency"/>]. Null means uniform.
    /// </summary>
    public Func<RandomSource, TimeSpan>? Latency { get; init; }

    /// <summary>The probability that a message is lost.</summary>
    public double LossProbability
    {
        get => _lossProbability;
        init => _lossProbability = IsProbability(value) ? value : throw new ArgumentOutOfRangeException(nameof(LossProbability), value, "LossProbability must be in [0, 1].");
    }

    /// <summary>The probability that a message is delivered twice.</summary>
    public double DuplicateProbability
    {
        get => _duplicateProbability;
        init => _duplicateProbability = IsProbability(value) ? value : throw new ArgumentOutOfRangeException(nameof(DuplicateProbability), value, "DuplicateProbability must be in [0, 1].");
    }

    /// <summary>Checks that the latency range is not inverted.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="MaxLatency"/> is below <see cref="MinLatency"/>.</exception>
    public LinkOptions Validate() =>
        MaxLatency >= MinLatency ? this : throw new ArgumentOutOfRangeException(nameof(MaxLatency), MaxLatency, "MaxLatency must be at least MinLatency.");

    /// <summary>Returns a copy with other loss and duplication probabilities (used for fault bursts).</summary>
    public LinkOptions WithFaults(double lossProbability, double duplicateProbability) => new()
    {
        MinLatency = MinLatency,
        MaxLatency = MaxLatency,
        Latency = Latency,
        LossProbability = lossProbability,
        DuplicateProbability = duplicateProbability,
    };

    internal long SampleLatencyTicks(RandomSource random)
    {
        if (Latency is { } custom)
        {
            var drawn = custom(random);
            return Math.Clamp(drawn.Ticks, MinLatency.Ticks, MaxLatency.Ticks);
        }

        var span = MaxLatency.Ticks - MinLatency.Ticks;
        return span == 0 ? MinLatency.Ticks : MinLatency.Ticks + (long)random.NextUInt64((ulong)span + 1);
    }

    private static bool IsProbability(double value) => value is >= 0 and <= 1;
}
