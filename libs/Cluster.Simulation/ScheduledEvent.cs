namespace Cluster.Simulation;

/// <summary>One entry of the event queue, ordered by (<see cref="Time"/>, <see cref="Sequence"/>).</summary>
/// <remarks>
/// A struct so the queue is one array without per-event allocations. Exactly one of <see cref="Target"/>
/// and <see cref="Callback"/> is set: the first for the simulator's own events, the second for work posted
/// to a <see cref="SimulationContext"/> (await continuations, <c>Task.Yield</c>).
/// </remarks>
internal struct ScheduledEvent
{
    public long Time;
    public long Sequence;
    public SimulationContext Context;
    public ISimulationEvent? Target;
    public SendOrPostCallback? Callback;
    public object? State;
    public long Token;
}
