using Cluster.Core;

namespace Cluster.Simulation;

/// <summary>Settings of a <see cref="Nemesis"/>, validated at construction.</summary>
public sealed class NemesisOptions
{
    /// <summary>Default of <see cref="MeanInterval"/>: 500 ms.</summary>
    public static readonly TimeSpan DefaultMeanInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Default of <see cref="MinDuration"/>: 50 ms.</summary>
    public static readonly TimeSpan DefaultMinDuration = TimeSpan.FromMilliseconds(50);

    /// <summary>Default of <see cref="MaxDuration"/>: 2 s.</summary>
    public static readonly TimeSpan DefaultMaxDuration = TimeSpan.FromSeconds(2);

    /// <summary>Default of <see cref="BurstLossProbability"/>.</summary>
    public const double DefaultBurstLossProbability = 0.3;

    /// <summary>Default of <see cref="BurstDuplicateProbability"/>.</summary>
    public const double DefaultBurstDuplicateProbability = 0.2;

    /// <summary>The mean virtual time between two faults (uniform in [0, 2×mean], divided by <see cref="Intensity"/>).</summary>
    public TimeSpan MeanInterval { get; init; } = DefaultMeanInterval;

    /// <summary>How much more often than <see cref="MeanInterval"/> faults come; 2 means twice as often.</summary>
    public double Intensity { get; init; } = 1;

    /// <summary>The shortest time a fault lasts before it is healed.</summary>
    public TimeSpan MinDuration { get; init; } = DefaultMinDuration;

    /// <summary>The longest time a fault lasts before it is healed.</summary>
    public TimeSpan MaxDuration { get; init; } = DefaultMaxDuration;

    /// <summary>The nodes faults may hit; all nodes of the simulation (at the time of each fault) when null.</summary>
    public IReadOnlyList<NodeId>? Targets { get; init; }

    /// <summary>How many targets may be crashed or paused at once; a minority of the targets when null.</summary>
    public int? MaxNodesDown { get; init; }

    /// <summary>The relative weight of each fault kind; kinds missing here are never drawn. All kinds weigh 1 when null.</summary>
    public IReadOnlyDictionary<FaultKind, int>? Weights { get; init; }

    /// <summary>The loss probability of every link during a <see cref="FaultKind.LossBurst"/>.</summary>
    public double BurstLossProbability { get; init; } = DefaultBurstLossProbability;

    /// <summary>The duplication probability of every link during a <see cref="FaultKind.DuplicateBurst"/>.</summary>
    public double BurstDuplicateProbability { get; init; } = DefaultBurstDuplicateProbability;

    internal void Validate()
    {
        if (MeanInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MeanInterval), MeanInterval, "MeanInterval must be positive.");
        }

        if (!(Intensity > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(Intensity), Intensity, "Intensity must be positive.");
        }

        if (MinDuration <= TimeSpan.Zero || MaxDuration < MinDuration)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDuration), MaxDuration, "MinDuration must be positive and MaxDuration at least MinDuration.");
        }

        if (MaxNodesDown is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxNodesDown), MaxNodesDown, "MaxNodesDown must not be negative.");
        }

        if (Weights is not null && (Weights.Values.Any(w => w < 0) || Weights.Values.Sum() == 0))
        {
            throw new ArgumentOutOfRangeException(nameof(Weights), "Weights must not be negative and must not all be zero.");
        }

        if (BurstLossProbability is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BurstLossProbability), BurstLossProbability, "BurstLossProbability must be in [0, 1].");
        }

        if (BurstDuplicateProbability is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BurstDuplicateProbability), BurstDuplicateProbability, "BurstDuplicateProbability must be in [0, 1].");
        }
    }
}
