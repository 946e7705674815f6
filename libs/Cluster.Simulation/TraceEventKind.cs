namespace Cluster.Simulation;

/// <summary>What an entry of the <see cref="SimulationTrace"/> records.</summary>
public enum TraceEventKind
{
    /// <summary>An await continuation or posted callback ran.</summary>
    Continuation = 1,

    /// <summary>A virtual timer fired.</summary>
    TimerFired = 2,

    /// <summary>A message was handed to the network.</summary>
    MessageSent = 3,

    /// <summary>A message reached its destination's receiver.</summary>
    MessageDelivered = 4,

    /// <summary>A message was lost: link loss, partition, full queue or a crashed destination.</summary>
    MessageDropped = 5,

    /// <summary>The network made a second copy of a message.</summary>
    MessageDuplicated = 6,

    /// <summary>A disk write, append or length change.</summary>
    DiskWrite = 7,

    /// <summary>An fsync of a file or directory was issued.</summary>
    DiskSync = 8,

    /// <summary>An fsync completed and its data became durable.</summary>
    DiskSyncCompleted = 9,

    /// <summary>A create, rename or delete.</summary>
    DiskDirectory = 10,

    /// <summary>A disk read.</summary>
    DiskRead = 11,

    /// <summary>A fault was injected: crash, restart, pause, partition, stall, corruption and so on.</summary>
    Fault = 12,

    /// <summary>A node's start function was called.</summary>
    NodeStarted = 13,

    /// <summary>A value the test mixed in with <see cref="SimulationTrace.RecordCustom"/>.</summary>
    Custom = 14,
}
