namespace Chubby;

/// <summary>Settings of a <see cref="ChubbyServer"/>; every replica of a cell must be given the same ones. Validated at start.</summary>
public sealed class ChubbyServerOptions
{
    /// <summary>Default of <see cref="CellName"/>.</summary>
    public const string DefaultCellName = "local";

    /// <summary>Default of <see cref="MaxFileBytes"/> (256 KiB, as in the paper).</summary>
    public const int DefaultMaxFileBytes = 256 * 1024;

    /// <summary>Default of <see cref="Lease"/> (12 s, as in the paper).</summary>
    public static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(12);

    /// <summary>Default of <see cref="KeepAliveReplyMargin"/>.</summary>
    public static readonly TimeSpan DefaultKeepAliveReplyMargin = TimeSpan.FromSeconds(2);

    /// <summary>Default of <see cref="DefaultLockDelay"/> and <see cref="MaxLockDelay"/> (one minute, as in the paper).</summary>
    public static readonly TimeSpan DefaultMaxLockDelay = TimeSpan.FromMinutes(1);

    /// <summary>Default of <see cref="MaxLockWait"/>.</summary>
    public static readonly TimeSpan DefaultMaxLockWait = TimeSpan.FromSeconds(2);

    /// <summary>Default of <see cref="SweepInterval"/>.</summary>
    public static readonly TimeSpan DefaultSweepInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Default of <see cref="MaxResponsesPerSession"/>.</summary>
    public const int DefaultMaxResponsesPerSession = 1024;

    /// <summary>Default of <see cref="MaxSessions"/>.</summary>
    public const int DefaultMaxSessions = 100_000;

    /// <summary>Default of <see cref="MaxHandlesPerSession"/>.</summary>
    public const int DefaultMaxHandlesPerSession = 10_000;

    /// <summary>The cell's name: every path starts with <c>/ls/&lt;CellName&gt;/</c>.</summary>
    public string CellName { get; init; } = DefaultCellName;

    /// <summary>The largest file contents accepted; larger writes fail with <see cref="ChubbyErrorCode.FileTooLarge"/>.</summary>
    public int MaxFileBytes { get; init; } = DefaultMaxFileBytes;

    /// <summary>How long each lease grant lasts, from the master's answer.</summary>
    public TimeSpan Lease { get; init; } = DefaultLease;

    /// <summary>
    /// How long before a session's lease ends the master answers the KeepAlive it holds, extending the lease. Covers the answer's
    /// trip and the log write that records the new promise.
    /// </summary>
    public TimeSpan KeepAliveReplyMargin { get; init; } = DefaultKeepAliveReplyMargin;

    /// <summary>
    /// The most a new master adds to a session's recorded lease promise when it takes over (Chubby §2.9), so that clients have
    /// time to find it. The extension is bounded by the recorded promise plus this value, never by the time of the take-over, so
    /// a session whose client is gone still expires however often the master changes. Defaults to <see cref="Lease"/>.
    /// </summary>
    public TimeSpan? FailoverExtension { get; init; }

    /// <summary>The lock-delay a lock gets when its holder asks for none explicitly (see <see cref="ChubbyHandle.AcquireAsync"/>).</summary>
    public TimeSpan DefaultLockDelay { get; init; } = DefaultMaxLockDelay;

    /// <summary>The longest lock-delay a holder may ask for.</summary>
    public TimeSpan MaxLockDelay { get; init; } = DefaultMaxLockDelay;

    /// <summary>The longest the master holds a blocking Acquire before answering busy (the client then asks again).</summary>
    public TimeSpan MaxLockWait { get; init; } = DefaultMaxLockWait;

    /// <summary>How often the master checks lease ends, held KeepAlives, lock waiters and the end of fail-over recovery.</summary>
    public TimeSpan SweepInterval { get; init; } = DefaultSweepInterval;

    /// <summary>Answers to changes a session keeps for retries.</summary>
    public int MaxResponsesPerSession { get; init; } = DefaultMaxResponsesPerSession;

    /// <summary>Sessions a cell holds at once; creating one more fails.</summary>
    public int MaxSessions { get; init; } = DefaultMaxSessions;

    /// <summary>Handles one session may have registered with the master.</summary>
    public int MaxHandlesPerSession { get; init; } = DefaultMaxHandlesPerSession;

    /// <summary>Whether the master lets clients cache (turn off to measure the cache's effect).</summary>
    public bool CachingEnabled { get; init; } = true;

    /// <summary><see cref="FailoverExtension"/> or its default.</summary>
    public TimeSpan EffectiveFailoverExtension => FailoverExtension ?? Lease;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        Require(ChubbyPath.TryValidate(ChubbyPath.CellRoot(CellName ?? ""), CellName ?? "", out _) && !string.IsNullOrEmpty(CellName) && !CellName.Contains('/', StringComparison.Ordinal),
            nameof(CellName), CellName ?? "null", "must be a non-empty name of letters, digits, '-', '_' and '.'");
        Require(MaxFileBytes is >= 0 and <= 16 * 1024 * 1024, nameof(MaxFileBytes), MaxFileBytes, "must be between 0 and 16 MiB");
        Require(Lease >= TimeSpan.FromMilliseconds(100), nameof(Lease), Lease, "must be at least 100 ms");
        Require(KeepAliveReplyMargin > TimeSpan.Zero && KeepAliveReplyMargin < Lease, nameof(KeepAliveReplyMargin), KeepAliveReplyMargin, "must be positive and shorter than Lease");
        Require(EffectiveFailoverExtension >= TimeSpan.Zero, nameof(FailoverExtension), EffectiveFailoverExtension, "must not be negative");
        Require(MaxLockDelay >= TimeSpan.Zero, nameof(MaxLockDelay), MaxLockDelay, "must not be negative");
        Require(DefaultLockDelay >= TimeSpan.Zero && DefaultLockDelay <= MaxLockDelay, nameof(DefaultLockDelay), DefaultLockDelay, "must be between zero and MaxLockDelay");
        Require(MaxLockWait >= TimeSpan.Zero, nameof(MaxLockWait), MaxLockWait, "must not be negative");
        Require(SweepInterval >= TimeSpan.FromMilliseconds(1) && SweepInterval < KeepAliveReplyMargin, nameof(SweepInterval), SweepInterval, "must be at least 1 ms and shorter than KeepAliveReplyMargin");
        Require(MaxResponsesPerSession >= 1, nameof(MaxResponsesPerSession), MaxResponsesPerSession, "must be at least 1");
        Require(MaxSessions >= 1, nameof(MaxSessions), MaxSessions, "must be at least 1");
        Require(MaxHandlesPerSession >= 1, nameof(MaxHandlesPerSession), MaxHandlesPerSession, "must be at least 1");
    }

    private static void Require(bool ok, string property, object value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(property, value, $"ChubbyServerOptions.{property} {rule}.");
        }
    }
}
