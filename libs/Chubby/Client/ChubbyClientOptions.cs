namespace Chubby;

/// <summary>Settings of a <see cref="ChubbyClient"/>; validated when it connects, with the offending property named in the error.</summary>
public sealed class ChubbyClientOptions
{
    /// <summary>Default of <see cref="GracePeriod"/> (45 s, as in the paper).</summary>
    public static readonly TimeSpan DefaultGracePeriod = TimeSpan.FromSeconds(45);

    /// <summary>Default of <see cref="RequestTimeout"/>.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Default of <see cref="RetryDelay"/>.</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>Default of <see cref="LeaseCheckInterval"/>.</summary>
    public static readonly TimeSpan DefaultLeaseCheckInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Default of <see cref="AcquireWait"/>.</summary>
    public static readonly TimeSpan DefaultAcquireWait = TimeSpan.FromSeconds(2);

    /// <summary>Default of <see cref="ConnectTimeout"/>.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Default of <see cref="MaxCacheEntries"/>.</summary>
    public const int DefaultMaxCacheEntries = 10_000;

    /// <summary>
    /// The principal the session acts for; the cell checks ACL files against it (Chubby §2.4). It is asserted, not proven: see
    /// <see cref="ChubbyPrincipal"/>.
    /// </summary>
    public string Principal { get; init; } = ChubbyPrincipal.Anonymous;

    /// <summary>The cell's name, checked against every path before it is sent.</summary>
    public string CellName { get; init; } = ChubbyServerOptions.DefaultCellName;

    /// <summary>How long the session may stay in jeopardy (local lease run out, no master reached) before it is given up as expired.</summary>
    public TimeSpan GracePeriod { get; init; } = DefaultGracePeriod;

    /// <summary>How long one call waits for an answer before it is sent again (to the next replica when the master seems gone).</summary>
    public TimeSpan RequestTimeout { get; init; } = DefaultRequestTimeout;

    /// <summary>The pause before asking again after a refusal, or while no master is known.</summary>
    public TimeSpan RetryDelay { get; init; } = DefaultRetryDelay;

    /// <summary>How often the client compares its local lease with its clock.</summary>
    public TimeSpan LeaseCheckInterval { get; init; } = DefaultLeaseCheckInterval;

    /// <summary>How long one round of a blocking Acquire may wait at the master before the client asks again.</summary>
    public TimeSpan AcquireWait { get; init; } = DefaultAcquireWait;

    /// <summary>How long <see cref="ChubbyClient.ConnectAsync"/> looks for a master.</summary>
    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;

    /// <summary>Whether reads are served from the consistent cache.</summary>
    public bool CachingEnabled { get; init; } = true;

    /// <summary>Nodes cached at most; beyond that the cache is cleared and refilled.</summary>
    public int MaxCacheEntries { get; init; } = DefaultMaxCacheEntries;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        Require(!string.IsNullOrEmpty(CellName) && ChubbyPath.TryValidate(ChubbyPath.CellRoot(CellName), CellName, out _) && !CellName.Contains('/', StringComparison.Ordinal),
            nameof(CellName), CellName ?? "null", "must be a non-empty name of letters, digits, '-', '_' and '.'");
        Require(ChubbyPrincipal.IsValid(Principal), nameof(Principal), Principal ?? "null", $"must be 1 to {ChubbyPrincipal.MaxLength} letters, digits, '-', '_', '.' and '@'");
        Require(GracePeriod >= TimeSpan.Zero, nameof(GracePeriod), GracePeriod, "must not be negative");
        Require(RequestTimeout > TimeSpan.Zero, nameof(RequestTimeout), RequestTimeout, "must be positive");
        Require(RetryDelay > TimeSpan.Zero, nameof(RetryDelay), RetryDelay, "must be positive");
        Require(LeaseCheckInterval > TimeSpan.Zero, nameof(LeaseCheckInterval), LeaseCheckInterval, "must be positive");
        Require(AcquireWait >= TimeSpan.Zero, nameof(AcquireWait), AcquireWait, "must not be negative");
        Require(ConnectTimeout > TimeSpan.Zero, nameof(ConnectTimeout), ConnectTimeout, "must be positive");
        Require(MaxCacheEntries >= 1, nameof(MaxCacheEntries), MaxCacheEntries, "must be at least 1");
    }

    private static void Require(bool ok, string property, object value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(property, value, $"ChubbyClientOptions.{property} {rule}.");
        }
    }
}
