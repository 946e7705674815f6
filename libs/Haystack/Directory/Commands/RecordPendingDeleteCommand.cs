using Cluster.Core;
using MessagePack;

namespace Haystack;

/// <summary>
/// A client deleted a photo on the replicas that answered and asks the Directory to keep the delete for those that did not.
/// Answered with a boolean: whether it was kept for every Store named that holds a replica.
/// </summary>
[MessagePackObject]
internal sealed record RecordPendingDeleteCommand
{
    [Key(0)]
    public uint VolumeId { get; init; }

    [Key(1)]
    public ulong Key { get; init; }

    [Key(2)]
    public uint AlternateKey { get; init; }

    [Key(3)]
    public ulong Cookie { get; init; }

    [Key(4)]
    public IReadOnlyList<NodeId> Stores { get; init; } = [];
}
