using Cluster.Core;

namespace Cluster.Simulation;

/// <summary>One message on its way over a link, scheduled in the destination incarnation's context.</summary>
internal sealed class Delivery(SimulatedNetwork network, Link link, long epoch, Envelope envelope, ulong typeHash) : ISimulationEvent
{
    public void Fire(long token) => network.Deliver(link, epoch, envelope, typeHash);
}
