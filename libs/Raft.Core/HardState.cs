using MessagePack;
using Cluster.Core;

namespace Raft.Core;

/// <summary>The state a node must persist before it sends any message that depends on it (Raft Figure 2, "persistent state").</summary>
/// <param name="Term">The latest term the node has seen.</param>
/// <param name="Vote">The candidate that received this node's vote in <paramref name="Term"/>, or <see cref="NodeId.None"/>.</param>
/// <param name="Commit">The highest log index known to be committed; persisted so a restart does not forget it.</param>
[MessagePackObject]
public readonly record struct HardState([property: Key(0)] ulong Term, [property: Key(1)] NodeId Vote, [property: Key(2)] ulong Commit)
{
    /// <summary>The state of a node that has never run.</summary>
    public static readonly HardState Empty;

    /// <summary>Whether this is <see cref="Empty"/>.</summary>
    [IgnoreMember]
    public bool IsEmpty => Term == 0 && Vote.IsNone && Commit == 0;
}
