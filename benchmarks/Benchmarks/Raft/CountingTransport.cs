using Cluster.Core;
using Raft.Core;

namespace Benchmarks.Raft;

/// <summary>
/// An <see cref="ITransport"/> decorator that counts the envelopes a node sends: all of them, and the Raft appends among them
/// with the entries they carry (and how many carry none), and append responses, so a run can tell messages per committed
/// command and entries per append message.
/// </summary>
internal sealed class CountingTransport(ITransport inner) : ITransport
{
    private long _sent;
    private long _appendMessages;
    private long _appendEntries;
    private long _emptyAppendMessages;
    private long _appendResponses;
    private long _dropped;

    public NodeId LocalNode => inner.LocalNode;

    public long Sent => Interlocked.Read(ref _sent);

    public long AppendMessages => Interlocked.Read(ref _appendMessages);

    public long AppendEntries => Interlocked.Read(ref _appendEntries);

    public long EmptyAppendMessages => Interlocked.Read(ref _emptyAppendMessages);

    public long AppendResponses => Interlocked.Read(ref _appendResponses);

    public long Dropped => Interlocked.Read(ref _dropped);

    public void SetReceiver(Action<NodeId, Envelope> receiver) => inner.SetReceiver(receiver);

    public bool TrySend(NodeId destination, in Envelope envelope)
    {
        Count(envelope);
        if (inner.TrySend(destination, envelope))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
    }

    public ValueTask SendAsync(NodeId destination, Envelope envelope, CancellationToken cancellationToken = default)
    {
        Count(envelope);
        return inner.SendAsync(destination, envelope, cancellationToken);
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private void Count(in Envelope envelope)
    {
        Interlocked.Increment(ref _sent);
        switch (envelope.Body)
        {
            case RaftMessage { Type: MessageType.Append } append:
                Interlocked.Increment(ref _appendMessages);
                Interlocked.Add(ref _appendEntries, append.Entries.Count);
                if (append.Entries.Count == 0)
                {
                    Interlocked.Increment(ref _emptyAppendMessages);
                }

                break;
            case RaftMessage { Type: MessageType.AppendResponse }:
                Interlocked.Increment(ref _appendResponses);
                break;
        }
    }
}
