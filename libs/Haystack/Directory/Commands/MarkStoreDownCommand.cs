using Cluster.Core;
using MessagePack;

namespace Haystack;

/// <summary>
/// Proposed by the leader's monitor when a Store misses heartbeats. Applies only if no heartbeat was applied since the one the
/// monitor saw (<see cref="LastHeartbeatIndex"/>), so a heartbeat that races the proposal wins. Answered with a boolean.
/// </summary>
[MessagePackObject]
internal sealed record MarkStoreDownCommand
{
    [Key(0)]
    public NodeId Store { get; init; }

    [Key(1)]
    public ulong LastHeartbeatIndex { get; init; }
}
