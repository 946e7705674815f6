namespace Cluster.Simulation;

/// <summary>The life-cycle state of a <see cref="SimulatedNode"/>.</summary>
public enum NodeState
{
    /// <summary>Running: its timers fire and messages reach it.</summary>
    Running = 0,

    /// <summary>A stalled process: its timers, messages and continuations are held until it resumes.</summary>
    Paused = 1,

    /// <summary>Crashed: its volatile state is gone; only its disk's durable contents remain until a restart.</summary>
    Crashed = 2,
}
