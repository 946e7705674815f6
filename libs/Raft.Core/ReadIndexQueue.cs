using Cluster.Core;

namespace Raft.Core;

/// <summary>
/// Reads waiting for the leader to confirm it is still the leader (Raft thesis §6.4): each remembers the commit index at request
/// time and who acknowledged a heartbeat carrying its context. An acknowledgement of a later request confirms all earlier ones.
/// </summary>
internal sealed class ReadIndexQueue
{
    private readonly List<Request> _queue = [];

    public int Count => _queue.Count;

    public void Add(ulong index, NodeId from, ReadOnlyMemory<byte> context, NodeId self)
    {
        var request = new Request(index, from, context);
        request.Acks.Add(self);
        _queue.Add(request);
    }

    public ReadOnlyMemory<byte> LastContext => _queue.Count == 0 ? ReadOnlyMemory<byte>.Empty : _queue[^1].Context;

    /// <summary>Records an acknowledgement; returns the requests now confirmed by a quorum, oldest first, and removes them.</summary>
    public IReadOnlyList<Request> Acknowledge(ReadOnlyMemory<byte> context, NodeId from, Func<HashSet<NodeId>, bool> hasQuorum)
    {
        var position = _queue.FindIndex(r => r.Context.Span.SequenceEqual(context.Span));
        if (position < 0)
        {
            return [];
        }

        var request = _queue[position];
        request.Acks.Add(from);
        if (!hasQuorum(request.Acks))
        {
            return [];
        }

        var released = _queue.GetRange(0, position + 1);
        _queue.RemoveRange(0, position + 1);
        return released;
    }

    public void Clear() => _queue.Clear();

    internal sealed record Request(ulong Index, NodeId From, ReadOnlyMemory<byte> Context)
    {
        public HashSet<NodeId> Acks { get; } = [];
    }
}
