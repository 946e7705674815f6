namespace Gfs;

/// <summary>The settings of a <see cref="GfsClient"/>.</summary>
public sealed class GfsClientOptions
{
    /// <summary>Default <see cref="RpcTimeout"/>.</summary>
    public static readonly TimeSpan DefaultRpcTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Default <see cref="RetryDelay"/>.</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>Default <see cref="LocationCacheTtl"/>.</summary>
    public static readonly TimeSpan DefaultLocationCacheTtl = TimeSpan.FromSeconds(60);

    /// <summary>Default <see cref="MaxAttempts"/>.</summary>
    public const int DefaultMaxAttempts = 12;

    /// <summary>Default <see cref="PushPieceBytes"/>: 256 KiB.</summary>
    public const int DefaultPushPieceBytes = 256 * 1024;

    /// <summary>Default <see cref="PushWindow"/>.</summary>
    public const int DefaultPushWindow = 8;

    /// <summary>How long one call to a master or chunkserver may take.</summary>
    public TimeSpan RpcTimeout { get; init; } = DefaultRpcTimeout;

    /// <summary>The first pause before retrying; doubled on each retry up to eight times.</summary>
    public TimeSpan RetryDelay { get; init; } = DefaultRetryDelay;

    /// <summary>How many times one operation is tried before it fails.</summary>
    public int MaxAttempts { get; init; } = DefaultMaxAttempts;

    /// <summary>How long chunk locations are cached (SOSP'03 §2.7.1: the window in which a stale replica may be read).</summary>
    public TimeSpan LocationCacheTtl { get; init; } = DefaultLocationCacheTtl;

    /// <summary>The size of the pieces data is pushed in; smaller pieces pipeline better along the chain.</summary>
    public int PushPieceBytes { get; init; } = DefaultPushPieceBytes;

    /// <summary>How many pieces of one push are in flight at once.</summary>
    public int PushWindow { get; init; } = DefaultPushWindow;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (RpcTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RpcTimeout), RpcTimeout, "RpcTimeout must be positive.");
        }

        if (RetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryDelay), RetryDelay, "RetryDelay must not be negative.");
        }

        if (MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "MaxAttempts must be at least 1.");
        }

        if (LocationCacheTtl < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(LocationCacheTtl), LocationCacheTtl, "LocationCacheTtl must not be negative.");
        }

        if (PushPieceBytes is < 1024 or > 8 * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(PushPieceBytes), PushPieceBytes, "PushPieceBytes must be between 1 KiB and 8 MiB.");
        }

        if (PushWindow < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(PushWindow), PushWindow, "PushWindow must be at least 1.");
        }
    }
}
