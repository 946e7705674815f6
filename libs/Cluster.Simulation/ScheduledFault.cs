namespace Cluster.Simulation;

/// <summary>One entry of a <see cref="FaultSchedule"/>: at virtual time <see cref="Time"/>, do <see cref="Apply"/>.</summary>
/// <param name="Time">The virtual time since the start of the run.</param>
/// <param name="Description">What the fault does, for logs and the text trace.</param>
/// <param name="Apply">The fault.</param>
public sealed record ScheduledFault(TimeSpan Time, string Description, Action<Simulator> Apply);
