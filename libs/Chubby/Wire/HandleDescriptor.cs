using MessagePack;

namespace Chubby;

/// <summary>
/// Everything the master needs to know about a handle, carried by every call on it, so that a new master rebuilds the handle from
/// the first call it sees (Chubby §2.9) instead of reading handles from the database.
/// </summary>
[MessagePackObject]
public sealed record HandleDescriptor
{
    /// <summary>The handle's number within its session.</summary>
    [Key(0)]
    public ulong HandleId { get; init; }

    /// <summary>The node's path.</summary>
    [Key(1)]
    public string Path { get; init; } = "";

    /// <summary>The node instance the handle is bound to.</summary>
    [Key(2)]
    public ulong InstanceNumber { get; init; }

    /// <summary>The events the handle subscribes to.</summary>
    [Key(3)]
    public EventMask Events { get; init; }
}
