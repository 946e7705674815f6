using Cluster.Core;

namespace Gfs;

/// <summary>A lease the leading master granted or adopted (soft state): who is primary, at which version, until when.</summary>
internal sealed class LeaseState(NodeId primary, ulong version, long expires)
{
    public NodeId Primary { get; } = primary;

    public ulong Version { get; } = version;

    /// <summary>When it ends on the master's clock (a <see cref="TimeProvider"/> timestamp).</summary>
    public long Expires { get; set; } = expires;
}
