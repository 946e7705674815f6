using MessagePack;

namespace Chubby;

/// <summary>The metadata of a file or directory in a Chubby cell (Chubby §2.3).</summary>
/// <remarks>
/// Every number only grows during the life of one node instance, so a client can tell that a cached copy is old by comparing
/// them. A node that is deleted and created again under the same name gets a new <see cref="InstanceNumber"/>, which invalidates
/// handles on the old one.
/// </remarks>
[MessagePackObject]
public sealed record NodeStat
{
    /// <summary>Distinguishes this node from earlier nodes of the same name; greater than every earlier one.</summary>
    [Key(0)]
    public ulong InstanceNumber { get; init; }

    /// <summary>Grows when the contents are written (for a directory: when a child is added or removed). Use it for compare-and-swap.</summary>
    [Key(1)]
    public ulong ContentGeneration { get; init; }

    /// <summary>Grows when the node's lock goes from free to held; a sequencer carries it.</summary>
    [Key(2)]
    public ulong LockGeneration { get; init; }

    /// <summary>Grows when the node's access control names change.</summary>
    [Key(3)]
    public ulong AclGeneration { get; init; }

    /// <summary>CRC-32C of the contents, so clients can tell whether contents differ without reading them.</summary>
    [Key(4)]
    public uint Checksum { get; init; }

    /// <summary>Length of the contents in bytes (0 for a directory).</summary>
    [Key(5)]
    public long Length { get; init; }

    /// <summary>Whether the node is a directory.</summary>
    [Key(6)]
    public bool IsDirectory { get; init; }

    /// <summary>Whether the node is ephemeral: deleted when the session that created it ends.</summary>
    [Key(7)]
    public bool IsEphemeral { get; init; }

    /// <summary>The ACL files that govern reading, writing and changing the ACL names of the node (Chubby §2.4).</summary>
    [Key(8)]
    public AclNames Acl { get; init; } = AclNames.Open;
}
