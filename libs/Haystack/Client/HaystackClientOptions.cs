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

    /// <summary>How many logical volumes (or waits for one) an upload tries before it fails.</summary>
    public int MaxUploadAttempts { get; init; } = DefaultMaxUploadAttempts;

    /// <summary>The largest photo the client sends; larger uploads fail at once with <see cref="ArgumentOutOfRangeException"/>.</summary>
    public int MaxUploadBytes { get; init; } = DefaultMaxUploadBytes;

    /// <summary>How long to wait for one Store or Cache answer.</summary>
    public TimeSpan StoreRequestTimeout { get; init; } = DefaultStoreRequestTimeout;

    /// <summary>The pause before asking again when no logical volume is write-enabled (the Directory is allocating one).</summary>
    public TimeSpan RetryDelay { get; init; } = DefaultRetryDelay;

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

        if (RetryDelay <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryDelay), RetryDelay, "HaystackClientOptions.RetryDelay must be positive.");
        }
    }
}
