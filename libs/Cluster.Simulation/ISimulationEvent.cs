namespace Cluster.Simulation;

/// <summary>Something the simulator runs at a virtual instant: a timer firing, a delivery, a disk completion.</summary>
/// <remarks>Implemented by the simulator's own objects so that scheduling allocates nothing beyond the heap slot.</remarks>
internal interface ISimulationEvent
{
    /// <summary>Runs the event. <paramref name="token"/> is the value given when it was scheduled (lazy cancellation).</summary>
    void Fire(long token);
}
