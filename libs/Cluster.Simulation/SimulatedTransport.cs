using Cluster.Core;

namespace Cluster.Simulation;

/// <summary>
/// One node incarnation's endpoint on the <see cref="SimulatedNetwork"/>. Keeps the <see cref="ITransport"/>
/// contract: FIFO per link (unless the network is configured to reorder), a bounded in-flight queue per
/// destination, and the receiver called on the simulator's thread.
/// </summary>
public sealed class SimulatedTransport : ITransport
{
    private readonly SimulatedNetwork _network;
    private readonly Dictionary<ulong, Link> _links = [];
    private Action<NodeId, Envelope>? _receiver;
    private bool _closed;

    internal SimulatedTransport(SimulatedNetwork network, SimulatedNode node)
    {
        _network = network;
        Node = node;
    }

    /// <inheritdoc />
    public NodeId LocalNode => Node.Id;

    internal SimulatedNode Node { get; }

    /// <inheritdoc />
    public void SetReceiver(Action<NodeId, Envelope> receiver)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        if (_receiver is not null)
        {
            throw new InvalidOperationException($"The transport of {LocalNode} already has a receiver.");
        }

        _receiver = receiver;
    }

    /// <inheritdoc />
    public bool TrySend(NodeId destination, in Envelope envelope) =>
        !_closed && _network.TrySend(this, destination, in envelope) == SendOutcome.Queued;

    /// <inheritdoc />
    public ValueTask SendAsync(NodeId destination, Envelope envelope, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        return _network.TrySend(this, destination, in envelope) switch
        {
            SendOutcome.Queued => ValueTask.CompletedTask,
            SendOutcome.UnknownPeer => ValueTask.FromException(new UnknownPeerException(destination)),
            _ => WaitForRoomAsync(destination, envelope, cancellationToken),
        };
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _closed = true;
        return ValueTask.CompletedTask;
    }

    internal void Kill() => _closed = true;

    internal Link? GetCachedLink(NodeId destination) => _links.GetValueOrDefault(destination.Value);

    internal Link CacheLink(NodeId destination, Link link)
    {
        _links[destination.Value] = link;
        return link;
    }

    internal void Receive(NodeId from, in Envelope envelope)
    {
        if (!_closed)
        {
            _receiver?.Invoke(from, envelope);
        }
    }

    private async ValueTask WaitForRoomAsync(NodeId destination, Envelope envelope, CancellationToken cancellationToken)
    {
        while (true)
        {
            var room = _network.WaitForRoom(LocalNode, destination);
            await using (cancellationToken.Register(() => room.TrySetCanceled(cancellationToken)))
            {
                await room.Task;
            }

            ObjectDisposedException.ThrowIf(_closed, this);
            switch (_network.TrySend(this, destination, in envelope))
            {
                case SendOutcome.Queued:
                    return;
                case SendOutcome.UnknownPeer:
                    throw new UnknownPeerException(destination);
                default:
                    continue;
            }
        }
    }
}
