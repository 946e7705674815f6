namespace Haystack;

/// <summary>Settings of a <see cref="DirectoryServer"/>, validated when it starts.</summary>
public sealed class DirectoryServerOptions
{
    /// <summary>Default of <see cref="StoreTimeout"/>.</summary>
    public static readonly TimeSpan DefaultStoreTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Default of <see cref="MonitorInterval"/>.</summary>
    public static readonly TimeSpan DefaultMonitorInterval = TimeSpan.FromSeconds(1);

    /// <summary>The replicated state machine's settings; the same on every Directory node.</summary>
    public DirectoryOptions Directory { get; init; } = new();

    /// <summary>A Store whose heartbeats stop for this long is marked down by the leader, and its volumes read-only.</summary>
    public TimeSpan StoreTimeout { get; init; } = DefaultStoreTimeout;

    /// <summary>How often the leader looks for Stores that missed their heartbeats.</summary>
    public TimeSpan MonitorInterval { get; init; } = DefaultMonitorInterval;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Directory, nameof(Directory));
        Directory.Validate();
        if (StoreTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StoreTimeout), StoreTimeout, "DirectoryServerOptions.StoreTimeout must be positive.");
        }

        if (MonitorInterval <= TimeSpan.Zero || MonitorInterval > StoreTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(MonitorInterval), MonitorInterval, "DirectoryServerOptions.MonitorInterval must be positive and at most StoreTimeout.");
        }
    }
}
