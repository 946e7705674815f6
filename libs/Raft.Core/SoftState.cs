using Cluster.Core;

namespace Raft.Core;

/// <summary>Volatile state the host may want to observe (logging, routing clients); it need not be persisted.</summary>
/// <param name="Leader">The leader this node knows of in its current term, or <see cref="NodeId.None"/>.</param>
/// <param name="Role">This node's role.</param>
public readonly record struct SoftState(NodeId Leader, RaftRole Role);
