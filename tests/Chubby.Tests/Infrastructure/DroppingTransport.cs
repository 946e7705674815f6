using Cluster.Core;

namespace Chubby.Tests;

/// <summary>
/// Wraps a transport and loses chosen outgoing messages, as a network would (a lost message is a successful send). Used to lose
/// one particular KeepAlive, which random loss cannot aim at.
/// </summary>
public sealed class DroppingTransport(ITransport inner) : ITransport
{
    private Func<Envelope, bool>? _drop;
    private int _remaining;

    public NodeId LocalNode => inner.LocalNode;

    /// <summary>Messages lost so far.</summary>
    public int Dropped { get; private set; }

    /// <summary>Loses the next <paramref name="count"/> outgoing messages that match <paramref name="match"/>.</summary>
    public void DropNext(Func<Envelope, bool> match, int count = 1)
    {
        _drop = match;
        _remaining = count;
    }

    public void SetReceiver(Action<NodeId, Envelope> receiver) => inner.SetReceiver(receiver);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    public bool TrySend(NodeId destination, in Envelope envelope) => Lose(envelope) || inner.TrySend(destination, envelope);

    public ValueTask SendAsync(NodeId destination, Envelope envelope, CancellationToken cancellationToken = default) =>
        Lose(envelope) ? ValueTask.CompletedTask : inner.SendAsync(destination, envelope, cancellationToken);

    private bool Lose(in Envelope envelope)
    {
        if (_remaining <= 0 || _drop is null || !_drop(envelope))
        {
            return false;
        }

        _remaining--;
        Dropped++;
        return true;
    }
}
