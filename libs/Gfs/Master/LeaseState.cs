using Cluster.Core;

namespace Gfs;

/// <summary>A lease the leading master granted (soft state): who is primary, at which version, until when.</summary>
internal sealed class LeaseState(NodeId primary, ulong version, long expires, IReadOnlyList<NodeId> replicas)
{
    /// <summary>
    /// The replicas that were current when the lease began. If one of them is lost, the lease is replaced (with a version
    /// bump) before the next mutation, so a replica that misses mutations is always left at an older version.
    /// </summary>
    public IReadOnlyList<NodeId> Replicas { get; } = replicas;

    public NodeId Primary { get; } = primary;

    public ulong Version { get; } = version;

    /// <summary>When it ends on the master's clock (a <see cref="TimeProvider"/> timestamp).</summary>
    public long Expires { get; set; } = expires;
}
