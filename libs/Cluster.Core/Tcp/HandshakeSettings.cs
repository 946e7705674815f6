using System.Text;

namespace Cluster.Core;

/// <summary>What one node brings to every handshake: its identity, its cluster and, optionally, the shared secret.</summary>
internal sealed class HandshakeSettings
{
    public HandshakeSettings(NodeId localNode, string clusterId, ReadOnlyMemory<byte> secret)
    {
        LocalNode = localNode;
        ClusterId = clusterId;
        ClusterIdUtf8 = Encoding.UTF8.GetBytes(clusterId);
        Secret = secret.IsEmpty ? null : secret.ToArray();
    }

    public NodeId LocalNode { get; }

    public string ClusterId { get; }

    public byte[] ClusterIdUtf8 { get; }

    /// <summary>The shared secret, or null when the cluster runs without one.</summary>
    public byte[]? Secret { get; }
}
