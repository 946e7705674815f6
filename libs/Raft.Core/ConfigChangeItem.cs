using MessagePack;
using Cluster.Core;

namespace Raft.Core;

/// <summary>One membership change for one node.</summary>
/// <param name="Type">What to do.</param>
/// <param name="Node">The node it applies to.</param>
[MessagePackObject]
public readonly record struct ConfigChangeItem([property: Key(0)] ConfigChangeType Type, [property: Key(1)] NodeId Node);
