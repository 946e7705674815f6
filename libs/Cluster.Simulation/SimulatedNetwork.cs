using System.Buffers;
using Cluster.Core;

namespace Cluster.Simulation;

/// <summary>
/// The network joining the simulated nodes: per-link latency, loss, duplication and (optionally)
/// reordering, partitions (symmetric, one-way, majority/minority, isolation) and healing, all drawn
/// from the simulation's seed.
/// </summary>
/// <remarks>
/// A partition cuts links: messages sent over a cut link are lost, and so are messages in flight on a
/// link when it is cut, as when a TCP connection breaks. Messages to a crashed node are lost. Use only on
/// the simulator's thread.
/// </remarks>
public sealed class SimulatedNetwork
{
    private readonly Simulator _simulator;
    private readonly RandomSource _random;
    private readonly Dictionary<(ulong From, ulong To), Link> _links = [];
    private readonly Dictionary<NodeId, SimulatedNode> _nodes = [];
    private readonly List<NodeId> _nodeOrder = [];
    private readonly Dictionary<Type, ulong> _typeHashes = [];
    private readonly Stack<Delivery> _deliveryPool = new();
    private readonly MessageCodec? _codec;
    private ArrayBufferWriter<byte> _scratch = new(256);
    private LinkOptions _defaultLink;

    internal SimulatedNetwork(Simulator simulator, NetworkOptions options, RandomSource random)
    {
        options.Validate();
        _simulator = simulator;
        _random = random;
        Options = options;
        _defaultLink = options.DefaultLink;
        if (options.Registry is { } registry)
        {
            _codec = new MessageCodec(registry);
        }
    }

    /// <summary>The settings.</summary>
    public NetworkOptions Options { get; }

    /// <summary>The behaviour of links without their own options; replace it to change every such link at once.</summary>
    public LinkOptions DefaultLink
    {
        get => _defaultLink;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _defaultLink = value.Validate();
        }
    }

    /// <summary>The nodes on the network, in the order they were added.</summary>
    public IReadOnlyList<NodeId> NodeIds => _nodeOrder;

    /// <summary>Messages handed to the network (duplicates not counted).</summary>
    public long MessagesSent { get; private set; }

    /// <summary>Messages that reached a receiver (duplicates counted).</summary>
    public long MessagesDelivered { get; private set; }

    /// <summary>Messages lost to link loss, cuts, full queues or crashed destinations.</summary>
    public long MessagesDropped { get; private set; }

    /// <summary>Extra copies the network made.</summary>
    public long MessagesDuplicated { get; private set; }

    /// <summary>Messages delivered later than a message sent after them on the same link.</summary>
    public long MessagesReordered { get; private set; }

    /// <summary>Sets the options of the directed link <paramref name="from"/> → <paramref name="to"/>; null returns it to <see cref="DefaultLink"/>.</summary>
    public void SetLink(NodeId from, NodeId to, LinkOptions? options)
    {
        options?.Validate();
        GetLink(from, to).Options = options;
    }

    /// <summary>Sets the options of both directions between two nodes.</summary>
    public void SetLinks(NodeId a, NodeId b, LinkOptions? options)
    {
        SetLink(a, b, options);
        SetLink(b, a, options);
    }

    /// <summary>Cuts the one-way link <paramref name="from"/> → <paramref name="to"/>; messages the other way still pass.</summary>
    public void CutOneWay(NodeId from, NodeId to)
    {
        var link = GetLink(from, to);
        if (!link.IsCut)
        {
            link.IsCut = true;

            // Cutting a link breaks its connection: whatever was in flight is lost, and its queue empties.
            link.Epoch++;
            link.InFlight = 0;
            link.WakeAll();
            _simulator.Trace.Record(TraceEventKind.Fault, _simulator.NowTicks, from.Value, to.Value, 10);
            TraceLine($"cut {from}->{to}");
        }
    }

    /// <summary>Cuts both directions between two nodes.</summary>
    public void Disconnect(NodeId a, NodeId b)
    {
        CutOneWay(a, b);
        CutOneWay(b, a);
    }

    /// <summary>Cuts every link between <paramref name="side"/> and <paramref name="otherSide"/>, both ways.</summary>
    public void Partition(IEnumerable<NodeId> side, IEnumerable<NodeId> otherSide)
    {
        ArgumentNullException.ThrowIfNull(side);
        ArgumentNullException.ThrowIfNull(otherSide);
        var others = otherSide.ToList();
        foreach (var a in side)
        {
            foreach (var b in others)
            {
                if (a != b)
                {
                    Disconnect(a, b);
                }
            }
        }

        Log.Partitioned(_simulator.Logger, string.Join(",", side), string.Join(",", others), _simulator.Now);
    }

    /// <summary>Cuts every link between <paramref name="side"/> and the rest of the nodes, both ways.</summary>
    public void Partition(IReadOnlyCollection<NodeId> side)
    {
        ArgumentNullException.ThrowIfNull(side);
        Partition(side, _nodeOrder.Where(n => !side.Contains(n)));
    }

    /// <summary>Cuts a node off from every other node, both ways.</summary>
    public void Isolate(NodeId node) => Partition([node]);

    /// <summary>Cuts every link from <paramref name="from"/> to the other nodes, leaving the incoming ones: the node hears but is not heard.</summary>
    public void IsolateOutgoing(NodeId from)
    {
        foreach (var to in _nodeOrder)
        {
            if (to != from)
            {
                CutOneWay(from, to);
            }
        }
    }

    /// <summary>
    /// Splits the nodes at random into a majority and a minority side and partitions them.
    /// </summary>
    /// <param name="candidates">The nodes to split; all nodes when null.</param>
    /// <returns>The two sides.</returns>
    public (IReadOnlyList<NodeId> Majority, IReadOnlyList<NodeId> Minority) PartitionMajorityMinority(IReadOnlyList<NodeId>? candidates = null)
    {
        var nodes = (candidates ?? _nodeOrder).ToArray();
        Shuffle(nodes, _random);
        var majorityCount = (nodes.Length / 2) + 1;
        var majority = nodes[..majorityCount];
        var minority = nodes[majorityCount..];
        Partition(majority, minority);
        return (majority, minority);
    }

    /// <summary>Whether messages from <paramref name="from"/> to <paramref name="to"/> can pass.</summary>
    public bool IsConnected(NodeId from, NodeId to) => !_links.TryGetValue((from.Value, to.Value), out var link) || !link.IsCut;

    /// <summary>Restores every cut link (link options stay).</summary>
    public void Heal()
    {
        foreach (var link in _links.Values)
        {
            link.IsCut = false;
        }

        _simulator.Trace.Record(TraceEventKind.Fault, _simulator.NowTicks, 0, 0, 11);
        TraceLine("heal all");
        Log.Healed(_simulator.Logger, _simulator.Now);
    }

    /// <summary>Restores both directions between two nodes.</summary>
    public void Heal(NodeId a, NodeId b)
    {
        GetLink(a, b).IsCut = false;
        GetLink(b, a).IsCut = false;
        _simulator.Trace.Record(TraceEventKind.Fault, _simulator.NowTicks, a.Value, b.Value, 11);
        TraceLine($"heal {a}<->{b}");
    }

    /// <summary>Returns every link to <see cref="DefaultLink"/> options.</summary>
    public void ResetLinkOptions()
    {
        foreach (var link in _links.Values)
        {
            link.Options = null;
        }
    }

    internal static void Shuffle<T>(T[] items, RandomSource random)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    internal void AddNode(SimulatedNode node)
    {
        _nodes.Add(node.Id, node);
        _nodeOrder.Add(node.Id);
    }

    internal SimulatedTransport CreateTransport(SimulatedNode node, SimulationContext context) => new(this, node);

    internal SendOutcome TrySend(SimulatedTransport source, NodeId destination, in Envelope envelope)
    {
        _simulator.AssertOnSimulatorThread();
        ArgumentNullException.ThrowIfNull(envelope.Body, nameof(envelope));
        if (!_nodes.TryGetValue(destination, out var target))
        {
            return SendOutcome.UnknownPeer;
        }

        var link = source.GetCachedLink(destination) ?? source.CacheLink(destination, GetLink(source.LocalNode, destination));
        if (link.InFlight >= Options.MaxInFlightPerLink)
        {
            return SendOutcome.Full;
        }

        Transmit(link, target, in envelope);
        return SendOutcome.Queued;
    }

    internal void Return(Delivery delivery)
    {
        // Bounded so that a burst does not pin memory for the rest of the run.
        if (_deliveryPool.Count < 4096)
        {
            _deliveryPool.Push(delivery);
        }
    }

    internal TaskCompletionSource WaitForRoom(NodeId from, NodeId to)
    {
        // Synchronous continuations: the waiting sender resumes through its own SynchronizationContext.
        var room = new TaskCompletionSource();
        GetLink(from, to).Waiters.Enqueue(room);
        return room;
    }

    internal void Deliver(Link link, long epoch, Envelope envelope, ulong typeHash)
    {
        var pair = Pair(link);
        if (epoch != link.Epoch)
        {
            // The connection broke (a cut) after this message left; it is lost.
            Drop(pair, in envelope, typeHash, 2);
            return;
        }

        link.InFlight--;
        link.WakeOne();
        if (link.IsCut)
        {
            Drop(pair, in envelope, typeHash, 2);
            return;
        }

        MessagesDelivered++;
        _simulator.Trace.Record(TraceEventKind.MessageDelivered, _simulator.NowTicks, pair, Describe(in envelope), typeHash);
        if (_simulator.Trace.IsTextEnabled)
        {
            TraceLine($"deliver {link.From}->{link.To} {envelope.Kind} #{envelope.CorrelationId} {envelope.Body.GetType().Name}");
        }

        _nodes[link.To].Transport?.Receive(link.From, in envelope);
    }

    internal void OnNodeCrashed(NodeId node)
    {
        foreach (var link in _links.Values)
        {
            if (link.To == node)
            {
                // The connection broke: what was in flight to the node is gone, and the queue is empty again.
                link.Epoch++;
                link.InFlight = 0;
                link.WakeAll();
            }
            else if (link.From == node)
            {
                // Senders of the dead incarnation are abandoned with it.
                link.Waiters.Clear();
            }
        }
    }

    private void Transmit(Link link, SimulatedNode target, in Envelope envelope)
    {
        MessagesSent++;
        var options = link.Options ?? _defaultLink;
        var typeHash = TypeHash(envelope.Body.GetType());
        var pair = Pair(link);
        var now = _simulator.NowTicks;
        _simulator.Trace.Record(TraceEventKind.MessageSent, now, pair, Describe(in envelope), typeHash);
        if (link.IsCut)
        {
            Drop(pair, in envelope, typeHash, 1);
            return;
        }

        if (_random.Chance(options.LossProbability))
        {
            Drop(pair, in envelope, typeHash, 3);
            return;
        }

        if (!target.IsUp)
        {
            Drop(pair, in envelope, typeHash, 4);
            return;
        }

        var copies = 1;
        if (_random.Chance(options.DuplicateProbability))
        {
            copies = 2;
            MessagesDuplicated++;
            _simulator.Trace.Record(TraceEventKind.MessageDuplicated, now, pair, Describe(in envelope), typeHash);
        }

        for (var i = 0; i < copies; i++)
        {
            var body = envelope.Body;
            var frameBytes = 0;
            if (Options.CopyBodies)
            {
                (body, frameBytes) = Copy(in envelope);
            }

            var at = now + options.SampleLatencyTicks(_random);
            if (Options.FifoPerLink)
            {
                at = Math.Max(at, link.LastDeliveryTicks);
            }
            else if (at < link.LastDeliveryTicks)
            {
                MessagesReordered++;
            }

            link.LastDeliveryTicks = Math.Max(at, link.LastDeliveryTicks);
            link.InFlight++;
            var delivery = _deliveryPool.Count > 0 ? _deliveryPool.Pop() : new Delivery(this);
            delivery.Link = link;
            delivery.Epoch = link.Epoch;
            delivery.Envelope = new Envelope(envelope.Kind, envelope.CorrelationId, body);
            delivery.TypeHash = typeHash;
            _simulator.Enqueue(at, target.Context, delivery, 0);
            _simulator.Trace.Record(TraceEventKind.MessageSent, now, pair, (ulong)at, (ulong)frameBytes);
        }
    }

    /// <summary>
    /// Encodes and decodes the envelope exactly as a real transport would (the same codec and frame layout
    /// as <see cref="MessageCodec.RoundTrip"/>), reusing one scratch buffer since everything runs on one thread.
    /// </summary>
    private (object Copy, int FrameBytes) Copy(in Envelope envelope)
    {
        var codec = _codec ?? throw new InvalidOperationException(
            "The simulated network copies message bodies but has no registry: set NetworkOptions.Registry, or CopyBodies = false to pass references.");
        _scratch.ResetWrittenCount();
        var frameBytes = codec.WriteFrame(_scratch, in envelope);
        var frame = new ReadOnlySequence<byte>(_scratch.WrittenMemory);
        if (!codec.TryReadFrame(ref frame, out var copy))
        {
            Invariant.Fail("A frame just written must read back whole.");
        }

        if (_scratch.Capacity > 1024 * 1024)
        {
            // Do not keep a huge buffer alive after one large message.
            _scratch = new ArrayBufferWriter<byte>(256);
        }

        return (copy.Body, frameBytes);
    }

    private void Drop(ulong pair, in Envelope envelope, ulong typeHash, ulong reason)
    {
        MessagesDropped++;
        _simulator.Trace.Record(TraceEventKind.MessageDropped, _simulator.NowTicks, pair, Describe(in envelope) ^ (reason << 56), typeHash);
        if (_simulator.Trace.IsTextEnabled)
        {
            TraceLine($"drop({reason}) {pair >> 32}->{pair & 0xFFFFFFFF} {envelope.Kind} #{envelope.CorrelationId} {envelope.Body.GetType().Name}");
        }
    }

    private Link GetLink(NodeId from, NodeId to)
    {
        if (!_links.TryGetValue((from.Value, to.Value), out var link))
        {
            link = new Link(from, to);
            _links.Add((from.Value, to.Value), link);
        }

        return link;
    }

    private ulong TypeHash(Type type)
    {
        if (!_typeHashes.TryGetValue(type, out var hash))
        {
            hash = SimulationTrace.HashString(type.FullName ?? type.Name);
            _typeHashes.Add(type, hash);
        }

        return hash;
    }

    private static ulong Pair(Link link) => (link.From.Value << 32) ^ link.To.Value;

    private static ulong Describe(in Envelope envelope) => ((ulong)envelope.Kind << 48) ^ envelope.CorrelationId;

    private void TraceLine(string text)
    {
        if (_simulator.Trace.IsTextEnabled)
        {
            _simulator.TraceLine(text);
        }
    }
}
