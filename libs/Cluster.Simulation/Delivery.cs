using Cluster.Core;

namespace Cluster.Simulation;

/// <summary>
/// One message on its way over a link, scheduled in the destination incarnation's context. Instances are
/// pooled by the network: a delivery returns to the pool after it fires (one whose context died is simply
/// left to the garbage collector).
/// </summary>
internal sealed class Delivery : ISimulationEvent
{
    private readonly SimulatedNetwork _network;

    public Delivery(SimulatedNetwork network) => _network = network;

    public Link? Link { get; set; }

    public long Epoch { get; set; }

    public Envelope Envelope { get; set; }

    public ulong TypeHash { get; set; }

    public void Fire(long token)
    {
        var link = Link!;
        var envelope = Envelope;
        var epoch = Epoch;
        var typeHash = TypeHash;
        Link = null;
        Envelope = default;
        _network.Return(this);
        _network.Deliver(link, epoch, envelope, typeHash);
    }
}
