using Cluster.Core;

namespace Gfs;

/// <summary>The settings of a <see cref="ChunkServer"/>.</summary>
public sealed class ChunkServerOptions
{
    /// <summary>Default <see cref="HeartbeatInterval"/>.</summary>
    public static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(5);

    /// <summary>Default <see cref="RpcTimeout"/>.</summary>
    public static readonly TimeSpan DefaultRpcTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Default <see cref="ScrubInterval"/>.</summary>
    public static readonly TimeSpan DefaultScrubInterval = TimeSpan.FromSeconds(10);

    /// <summary>Default <see cref="CapacityBytes"/>: 1 TiB.</summary>
    public const long DefaultCapacityBytes = 1L << 40;

    /// <summary>Default <see cref="PushBufferBytes"/>: 256 MiB.</summary>
    public const long DefaultPushBufferBytes = 256L * 1024 * 1024;

    /// <summary>Default <see cref="ReadPieceBytes"/>: 1 MiB.</summary>
    public const int DefaultReadPieceBytes = 1024 * 1024;

    /// <summary>The master group's nodes (heartbeats go to the leader; commands are accepted only from these).</summary>
    public IReadOnlyList<NodeId> Masters { get; init; } = [];

    /// <summary>The failure-domain label the master spreads replicas across.</summary>
    public string Rack { get; init; } = "";

    /// <summary>How many bytes of chunk data this server offers.</summary>
    public long CapacityBytes { get; init; } = DefaultCapacityBytes;

    /// <summary>How often it reports to the master (and asks for lease extensions).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = DefaultHeartbeatInterval;

    /// <summary>How long it waits for another chunkserver or the master.</summary>
    public TimeSpan RpcTimeout { get; init; } = DefaultRpcTimeout;

    /// <summary>The most bytes of pushed, not yet applied data it buffers; the least recently used is dropped beyond it.</summary>
    public long PushBufferBytes { get; init; } = DefaultPushBufferBytes;

    /// <summary>The most bytes one read answer carries (clones read a chunk in pieces of this size).</summary>
    public int ReadPieceBytes { get; init; } = DefaultReadPieceBytes;

    /// <summary>
    /// How often the chunkserver verifies the checksums of one whole chunk that no mutation touched lately (§5.2: scanning
    /// inactive chunks finds corruption in rarely read data); the chunks are taken in turn. <see cref="TimeSpan.Zero"/> turns
    /// scrubbing off.
    /// </summary>
    public TimeSpan ScrubInterval { get; init; } = DefaultScrubInterval;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is missing or out of range; the message names it.</exception>
    public void Validate()
    {
        if (Masters.Count == 0)
        {
            throw new ArgumentException("Masters must name at least one master node.", nameof(Masters));
        }

        ArgumentNullException.ThrowIfNull(Rack, nameof(Rack));
        if (CapacityBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CapacityBytes), CapacityBytes, "CapacityBytes must be positive.");
        }

        if (HeartbeatInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(HeartbeatInterval), HeartbeatInterval, "HeartbeatInterval must be positive.");
        }

        if (RpcTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RpcTimeout), RpcTimeout, "RpcTimeout must be positive.");
        }

        if (ScrubInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ScrubInterval), ScrubInterval, "ScrubInterval must not be negative.");
        }

        if (PushBufferBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(PushBufferBytes), PushBufferBytes, "PushBufferBytes must be positive.");
        }

        if (ReadPieceBytes is < 4096 or > 8 * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(ReadPieceBytes), ReadPieceBytes, "ReadPieceBytes must be between 4 KiB and 8 MiB (one message carries it).");
        }
    }
}
