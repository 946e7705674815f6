namespace Cluster.Simulation;

/// <summary>
/// The <see cref="SynchronizationContext"/> installed while the simulator runs an event. Every await
/// continuation and <c>Task.Yield</c> captured under it is posted back to the simulator's queue, so no
/// work reaches the thread pool. One instance exists per node incarnation (plus one for the harness), so
/// work of a crashed incarnation is dropped and work of a paused node is held.
/// </summary>
internal sealed class SimulationContext : SynchronizationContext
{
    public SimulationContext(Simulator simulator, SimulatedNode? node, int incarnation)
    {
        Simulator = simulator;
        Node = node;
        Incarnation = incarnation;
    }

    public Simulator Simulator { get; }

    /// <summary>The node whose incarnation this is; null for the test harness, which never crashes.</summary>
    public SimulatedNode? Node { get; }

    public int Incarnation { get; }

    /// <summary>Set when the incarnation crashed: its queued work is discarded instead of run.</summary>
    public bool IsDead { get; set; }

    public override void Post(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        Simulator.PostFromContext(this, d, state);
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Synchronous Send is not supported in the simulator; post or await instead.");

    public override SynchronizationContext CreateCopy() => this;
}
