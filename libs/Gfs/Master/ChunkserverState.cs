using Cluster.Core;

namespace Gfs;

/// <summary>What the leading master knows of one chunkserver from its heartbeats (soft state, never persisted).</summary>
internal sealed class ChunkserverState(NodeId id)
{
    public NodeId Id { get; } = id;

    public string Rack { get; set; } = "";

    public long CapacityBytes { get; set; }

    public long UsedBytes { get; set; }

    /// <summary>When its last heartbeat arrived (a <see cref="TimeProvider"/> timestamp).</summary>
    public long LastSeen { get; set; }

    /// <summary>The time between its last two heartbeats (timestamp ticks; 0 until two have arrived): its usual rhythm.</summary>
    public long LastGap { get; set; }

    /// <summary>Chunks placed on it since its last heartbeat, counted against its free space.</summary>
    public int RecentPlacements { get; set; }

    public double Utilization => CapacityBytes <= 0 ? 1.0 : (double)UsedBytes / CapacityBytes;
}
