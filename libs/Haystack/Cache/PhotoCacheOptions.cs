namespace Haystack;

/// <summary>Settings of a <see cref="PhotoCache"/>, validated when it starts.</summary>
public sealed class PhotoCacheOptions
{
    /// <summary>Default of <see cref="CapacityBytes"/>: 256 MiB.</summary>
    public const long DefaultCapacityBytes = 256L * 1024 * 1024;

    /// <summary>Default of <see cref="MaxPhotoBytes"/>: 4 MiB.</summary>
    public const int DefaultMaxPhotoBytes = 4 * 1024 * 1024;

    /// <summary>Default of <see cref="StoreRequestTimeout"/>.</summary>
    public static readonly TimeSpan DefaultStoreRequestTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Default of <see cref="TimeToLive"/>: one hour.</summary>
    public static readonly TimeSpan DefaultTimeToLive = TimeSpan.FromHours(1);

    /// <summary>The byte budget: the photo bytes held never exceed it; the least recently used photos go first.</summary>
    public long CapacityBytes { get; init; } = DefaultCapacityBytes;

    /// <summary>Larger photos are served but not kept, so one cannot flush the cache.</summary>
    public int MaxPhotoBytes { get; init; } = DefaultMaxPhotoBytes;

    /// <summary>How long to wait for a Store on a miss.</summary>
    public TimeSpan StoreRequestTimeout { get; init; } = DefaultStoreRequestTimeout;

    /// <summary>
    /// How long a kept photo may be served, counted from when the Cache asked the Store for it: a backstop for an
    /// invalidation that never arrived (a delete whose client lost touch with this Cache). <see cref="Timeout.InfiniteTimeSpan"/>
    /// keeps photos until they are invalidated or evicted.
    /// </summary>
    public TimeSpan TimeToLive { get; init; } = DefaultTimeToLive;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (CapacityBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CapacityBytes), CapacityBytes, "PhotoCacheOptions.CapacityBytes must be positive.");
        }

        if (MaxPhotoBytes <= 0 || MaxPhotoBytes > CapacityBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPhotoBytes), MaxPhotoBytes, "PhotoCacheOptions.MaxPhotoBytes must be positive and at most CapacityBytes.");
        }

        if (StoreRequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StoreRequestTimeout), StoreRequestTimeout, "PhotoCacheOptions.StoreRequestTimeout must be positive.");
        }

        if (TimeToLive <= TimeSpan.Zero && TimeToLive != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(TimeToLive), TimeToLive, "PhotoCacheOptions.TimeToLive must be positive or Timeout.InfiniteTimeSpan.");
        }
    }
}
