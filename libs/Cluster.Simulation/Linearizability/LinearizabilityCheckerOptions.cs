namespace Cluster.Simulation;

/// <summary>Limits of a <see cref="LinearizabilityChecker"/> run; past them the verdict is <see cref="LinearizabilityVerdict.Unknown"/>.</summary>
/// <remarks>The limits only decide when the checker gives up; they never change an Ok or Illegal verdict.</remarks>
public sealed class LinearizabilityCheckerOptions
{
    /// <summary>Default of <see cref="MaxExploredStates"/>.</summary>
    public const long DefaultMaxExploredStates = 20_000_000;

    /// <summary>Default of <see cref="Timeout"/>: one minute.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(1);

    private readonly long _maxExploredStates = DefaultMaxExploredStates;
    private readonly TimeSpan _timeout = DefaultTimeout;
    private readonly TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>The most search steps (operations tentatively linearized, over all partitions) before giving up.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public long MaxExploredStates
    {
        get => _maxExploredStates;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(MaxExploredStates));
            _maxExploredStates = value;
        }
    }

    /// <summary>How long the whole check may run before giving up; <see cref="Timeout.InfiniteTimeSpan"/> for no deadline.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative (other than infinite).</exception>
    public TimeSpan Timeout
    {
        get => _timeout;
        init
        {
            if (value <= TimeSpan.Zero && value != System.Threading.Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(Timeout), value, $"{nameof(Timeout)} must be positive or Timeout.InfiniteTimeSpan.");
            }

            _timeout = value;
        }
    }

    /// <summary>The clock for <see cref="Timeout"/>; the system clock by default, which only moves the give-up point, never a verdict.</summary>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        init => _timeProvider = value ?? throw new ArgumentNullException(nameof(TimeProvider));
    }
}
