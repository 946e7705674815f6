namespace Cluster.Core.Tests.Infrastructure;

/// <summary>One node's end of a <see cref="LoopbackNetwork"/>.</summary>
public sealed class LoopbackTransport : ITransport
{
    private readonly LoopbackNetwork _network;
    private Action<NodeId, Envelope>? _receiver;
    private bool _disposed;

    internal LoopbackTransport(LoopbackNetwork network, NodeId id)
    {
        _network = network;
        LocalNode = id;
    }

    public NodeId LocalNode { get; }

    public void SetReceiver(Action<NodeId, Envelope> receiver)
    {
        if (_receiver is not null)
        {
            throw new InvalidOperationException("A receiver is already installed.");
        }

        _receiver = receiver;
    }

    public bool TrySend(NodeId destination, in Envelope envelope)
    {
        if (_disposed || !_network.TryFind(destination, out var target))
        {
            return false;
        }

        if (_network.Deliver)
        {
            var (copy, _) = _network.Codec.RoundTrip(envelope.Body);
            target._receiver?.Invoke(LocalNode, new Envelope(envelope.Kind, envelope.CorrelationId, copy));
        }

        return true;
    }

    public ValueTask SendAsync(NodeId destination, Envelope envelope, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_network.TryFind(destination, out _))
        {
            throw new UnknownPeerException(destination);
        }

        TrySend(destination, envelope);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return ValueTask.CompletedTask;
    }
}
