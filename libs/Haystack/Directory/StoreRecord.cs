using MessagePack;

namespace Haystack;

/// <summary>A registered Store machine in the Directory's state.</summary>
[MessagePackObject]
internal sealed class StoreRecord
{
    [Key(0)]
    public ulong Id { get; set; }

    [Key(1)]
    public long CapacityBytes { get; set; }

    [Key(2)]
    public long FreeBytes { get; set; }

    [Key(3)]
    public bool Alive { get; set; }

    /// <summary>The log index of the last heartbeat applied, which the leader's monitor quotes when it marks the Store down.</summary>
    [Key(4)]
    public ulong LastHeartbeatIndex { get; set; }

    /// <summary>
    /// Marked down by the leader's monitor (heartbeats stopped), as opposed to merely suspect after a failure report: only a
    /// Store that is down has its replicas copied elsewhere. Cleared by its next heartbeat.
    /// </summary>
    [Key(5)]
    public bool Down { get; set; }
}
