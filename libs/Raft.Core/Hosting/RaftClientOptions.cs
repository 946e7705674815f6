namespace Raft.Core;

/// <summary>Settings of a <see cref="RaftClient"/>; validated when the client is created.</summary>
public sealed class RaftClientOptions
{
    /// <summary>Default of <see cref="RequestTimeout"/>.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Default of <see cref="OperationTimeout"/>.</summary>
    public static readonly TimeSpan DefaultOperationTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Default of <see cref="MinRetryDelay"/>.</summary>
    public static readonly TimeSpan DefaultMinRetryDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>Default of <see cref="MaxRetryDelay"/>.</summary>
    public static readonly TimeSpan DefaultMaxRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>Default of <see cref="KeepAliveInterval"/> (a third of the nodes' default session timeout).</summary>
    public static readonly TimeSpan DefaultKeepAliveInterval = TimeSpan.FromSeconds(20);

    /// <summary>How long to wait for one node's answer before trying another.</summary>
    public TimeSpan RequestTimeout { get; init; } = DefaultRequestTimeout;

    /// <summary>How long one operation may take over all its retries before it fails with <see cref="TimeoutException"/>.</summary>
    public TimeSpan OperationTimeout { get; init; } = DefaultOperationTimeout;

    /// <summary>The first pause between retries when no leader is known; it doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan MinRetryDelay { get; init; } = DefaultMinRetryDelay;

    /// <summary>The longest pause between retries.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = DefaultMaxRetryDelay;

    /// <summary>How often an idle session is kept alive; must be well under the nodes' <see cref="RaftNodeOptions.SessionTimeout"/>.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = DefaultKeepAliveInterval;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        Require(RequestTimeout > TimeSpan.Zero, nameof(RequestTimeout), RequestTimeout, "must be positive");
        Require(OperationTimeout >= RequestTimeout, nameof(OperationTimeout), OperationTimeout, "must be at least RequestTimeout");
        Require(MinRetryDelay > TimeSpan.Zero, nameof(MinRetryDelay), MinRetryDelay, "must be positive");
        Require(MaxRetryDelay >= MinRetryDelay, nameof(MaxRetryDelay), MaxRetryDelay, "must be at least MinRetryDelay");
        Require(KeepAliveInterval > TimeSpan.Zero, nameof(KeepAliveInterval), KeepAliveInterval, "must be positive");
    }

    private static void Require(bool ok, string property, object value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(property, value, $"RaftClientOptions.{property} {rule}.");
        }
    }
}
