namespace Cluster.Simulation;

/// <summary>
/// Simulated work ran on a thread other than the simulator's (a thread-pool continuation, a real timer,
/// <c>Task.Run</c>): the run is no longer deterministic, so it stops.
/// </summary>
public sealed class SimulationEscapeException : Exception
{
    /// <summary>Creates the exception describing what touched the simulator from which thread.</summary>
    public SimulationEscapeException(string message)
        : base(message)
    {
    }
}
