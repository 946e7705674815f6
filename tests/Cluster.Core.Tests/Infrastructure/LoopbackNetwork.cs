using System.Collections.Concurrent;

namespace Cluster.Core.Tests.Infrastructure;

/// <summary>
/// An in-memory network for unit tests of code above <see cref="ITransport"/>: delivery is synchronous,
/// bodies are copied through the codec like a real wire, and <see cref="Deliver"/> turns into a black hole.
/// </summary>
public sealed class LoopbackNetwork
{
    private readonly ConcurrentDictionary<NodeId, LoopbackTransport> _nodes = new();

    public MessageCodec Codec { get; } = TestMessages.Codec();

    /// <summary>When false, every envelope is accepted and silently lost.</summary>
    public bool Deliver { get; set; } = true;

    public LoopbackTransport Add(ulong id)
    {
        var transport = new LoopbackTransport(this, new NodeId(id));
        _nodes[transport.LocalNode] = transport;
        return transport;
    }

    internal bool TryFind(NodeId id, out LoopbackTransport transport) => _nodes.TryGetValue(id, out transport!);
}
