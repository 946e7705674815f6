using Cluster.Core;
using MessagePack;

namespace Haystack;

/// <summary>A Store or client saw a replica fail. Answered with a boolean: whether the volume is known.</summary>
[MessagePackObject]
internal sealed record ReportFailureCommand
{
    [Key(0)]
    public uint VolumeId { get; init; }

    [Key(1)]
    public NodeId Store { get; init; }

    [Key(2)]
    public ReplicaFailure Failure { get; init; }
}
