using Cluster.Core;

namespace Haystack;

/// <summary>Settings of a <see cref="HaystackClient"/>, validated when it is created.</summary>
public sealed class HaystackClientOptions
{
    /// <summary>Default of <see cref="MaxUploadAttempts"/>.</summary>
    public const int DefaultMaxUploadAttempts = 10;

    /// <summary>Default of <see cref="MaxUploadBytes"/>: the Store's default limit.</summary>
    public const int DefaultMaxUploadBytes = StoreServerOptions.DefaultMaxNeedleDataBytes;

    /// <summary>Default of <see cref="StoreRequestTimeout"/>.</summary>
    public static readonly TimeSpan DefaultStoreRequestTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Default of <see cref="RetryDelay"/>.</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>Default of <see cref="MaxInvalidationAttempts"/>.</summary>
    public const int DefaultMaxInvalidationAttempts = 3;

    /// <summary>The most Caches a client tells about deletes.</summary>
    public const int MaxCaches = 1024;

    /// <summary>How many logical volumes (or waits for one) an upload tries before it fails.</summary>
    public int MaxUploadAttempts { get; init; } = DefaultMaxUploadAttempts;

    /// <summary>The largest photo the client sends; larger uploads fail at once with <see cref="ArgumentOutOfRangeException"/>.</summary>
    public int MaxUploadBytes { get; init; } = DefaultMaxUploadBytes;

    /// <summary>How long to wait for one Store or Cache answer.</summary>
    public TimeSpan StoreRequestTimeout { get; init; } = DefaultStoreRequestTimeout;

    /// <summary>The pause before asking again when no logical volume is write-enabled (the Directory is allocating one).</summary>
    public TimeSpan RetryDelay { get; init; } = DefaultRetryDelay;

    /// <summary>
    /// Every Cache that URLs handed out may name: a delete is acknowledged only after each of them has dropped the photo, so
    /// none keeps serving it. Empty (the default) when photos are read straight from the Stores.
    /// </summary>
    public IReadOnlyList<NodeId> Caches { get; init; } = [];

    /// <summary>How many times a delete asks a Cache that does not answer to drop the photo before reporting the failure.</summary>
    public int MaxInvalidationAttempts { get; init; } = DefaultMaxInvalidationAttempts;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (MaxUploadAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxUploadAttempts), MaxUploadAttempts, "HaystackClientOptions.MaxUploadAttempts must be positive.");
        }

        if (MaxUploadBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxUploadBytes), MaxUploadBytes, "HaystackClientOptions.MaxUploadBytes must be positive.");
        }

        if (StoreRequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StoreRequestTimeout), StoreRequestTimeout, "HaystackClientOptions.StoreRequestTimeout must be positive.");
        }

        if (Caches is null || Caches.Count > MaxCaches || Caches.Any(c => c.IsNone))
        {
            throw new ArgumentOutOfRangeException(nameof(Caches), Caches?.Count, $"HaystackClientOptions.Caches must hold at most {MaxCaches} real node ids.");
        }

        if (MaxInvalidationAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxInvalidationAttempts), MaxInvalidationAttempts, "HaystackClientOptions.MaxInvalidationAttempts must be positive.");
        }

        if (RetryDelay <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryDelay), RetryDelay, "HaystackClientOptions.RetryDelay must be positive.");
        }
    }
}
