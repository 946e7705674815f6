using Cluster.Core;
using MessagePack;

namespace Haystack;

/// <summary>
/// Sent by a Store that finished rebuilding its replica from <see cref="Source"/>. Applies only while the Directory still has
/// that replica repairing from that source (a repair whose source changed meanwhile must run again). Answered with a boolean.
/// </summary>
[MessagePackObject]
internal sealed record CompleteRepairCommand
{
    [Key(0)]
    public uint VolumeId { get; init; }

    [Key(1)]
    public NodeId Store { get; init; }

    [Key(2)]
    public NodeId Source { get; init; }
}
