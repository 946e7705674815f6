namespace Cluster.Core;

/// <summary>Settings of a <see cref="MessageBus"/>, validated at construction.</summary>
public sealed class MessageBusOptions
{
    /// <summary>Default of <see cref="DefaultRequestTimeout"/>: five seconds.</summary>
    public static readonly TimeSpan DefaultRequestTimeoutValue = TimeSpan.FromSeconds(5);

    /// <summary>Default of <see cref="MaxPendingRequests"/>.</summary>
    public const int DefaultMaxPendingRequests = 65_536;

    /// <summary>The deadline of a request when the caller gives none.</summary>
    public TimeSpan DefaultRequestTimeout { get; init; } = DefaultRequestTimeoutValue;

    /// <summary>How many requests may wait for answers at once; the next one fails with <see cref="RpcOverloadException"/>.</summary>
    public int MaxPendingRequests { get; init; } = DefaultMaxPendingRequests;

    /// <summary>
    /// Whether awaiting code resumes off the transport's receive path. True by default so a slow caller
    /// cannot stall a connection; the simulator sets it to false so everything stays on its one thread.
    /// </summary>
    public bool RunContinuationsAsynchronously { get; init; } = true;

    internal void Validate()
    {
        if (DefaultRequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(DefaultRequestTimeout), DefaultRequestTimeout, "DefaultRequestTimeout must be positive.");
        }

        if (MaxPendingRequests <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPendingRequests), MaxPendingRequests, "MaxPendingRequests must be positive.");
        }
    }
}
