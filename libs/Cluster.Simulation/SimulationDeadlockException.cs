namespace Cluster.Simulation;

/// <summary>
/// Simulated code waits for something, but nothing is scheduled that could ever complete it: every node
/// is idle, or the awaited work escaped to the thread pool or the real clock.
/// </summary>
public sealed class SimulationDeadlockException : Exception
{
    /// <summary>Creates the exception with the virtual time at which the queue ran dry.</summary>
    public SimulationDeadlockException(TimeSpan virtualTime)
        : base($"Deadlock at virtual time {virtualTime}: the awaited task is not complete and no event is scheduled. " +
               "Either the simulated code waits for a message or timer that never comes, or it awaited work outside the simulator " +
               "(Task.Run, Task.Delay without the TimeProvider, ConfigureAwait(false), real I/O).")
    {
        VirtualTime = virtualTime;
    }

    /// <summary>When the queue ran dry.</summary>
    public TimeSpan VirtualTime { get; }
}
