using Cluster.Core;

namespace Cluster.Simulation;

/// <summary>
/// A scripted list of faults at fixed virtual times, for tests that need a particular scenario
/// ("at 2 s partition n1 from the rest, at 5 s crash n2, at 8 s heal"). Build it, then
/// <see cref="Install"/> it into a simulator.
/// </summary>
public sealed class FaultSchedule
{
    private readonly List<ScheduledFault> _faults = [];

    /// <summary>The faults, in the order added.</summary>
    public IReadOnlyList<ScheduledFault> Faults => _faults;

    /// <summary>At virtual time <paramref name="time"/>, runs <paramref name="fault"/>.</summary>
    /// <returns>This schedule, for chaining.</returns>
    public FaultSchedule At(TimeSpan time, string description, Action<Simulator> fault)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(time, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(fault);
        _faults.Add(new ScheduledFault(time, description, fault));
        return this;
    }

    /// <summary>Crashes <paramref name="node"/> at <paramref name="time"/>.</summary>
    public FaultSchedule Crash(TimeSpan time, NodeId node, bool tearLastWrite = false) =>
        At(time, $"crash {node}", sim => sim.GetNode(node).Crash(tearLastWrite));

    /// <summary>Restarts <paramref name="node"/> at <paramref name="time"/>.</summary>
    public FaultSchedule Restart(TimeSpan time, NodeId node) => At(time, $"restart {node}", sim => sim.GetNode(node).Restart());

    /// <summary>Pauses <paramref name="node"/> at <paramref name="time"/>.</summary>
    public FaultSchedule Pause(TimeSpan time, NodeId node) => At(time, $"pause {node}", sim => sim.GetNode(node).Pause());

    /// <summary>Resumes <paramref name="node"/> at <paramref name="time"/>.</summary>
    public FaultSchedule Resume(TimeSpan time, NodeId node) => At(time, $"resume {node}", sim => sim.GetNode(node).Resume());

    /// <summary>Partitions <paramref name="side"/> from every other node at <paramref name="time"/>.</summary>
    public FaultSchedule Partition(TimeSpan time, params NodeId[] side) =>
        At(time, $"partition [{string.Join(",", side)}] from the rest", sim => sim.Network.Partition(side));

    /// <summary>Cuts the one-way link <paramref name="from"/> → <paramref name="to"/> at <paramref name="time"/>.</summary>
    public FaultSchedule CutOneWay(TimeSpan time, NodeId from, NodeId to) =>
        At(time, $"cut {from}->{to}", sim => sim.Network.CutOneWay(from, to));

    /// <summary>Isolates <paramref name="node"/> at <paramref name="time"/>.</summary>
    public FaultSchedule Isolate(TimeSpan time, NodeId node) => At(time, $"isolate {node}", sim => sim.Network.Isolate(node));

    /// <summary>Heals every cut link at <paramref name="time"/>.</summary>
    public FaultSchedule Heal(TimeSpan time) => At(time, "heal the network", sim => sim.Network.Heal());

    /// <summary>Stalls the disk of <paramref name="node"/> at <paramref name="time"/>.</summary>
    public FaultSchedule StallDisk(TimeSpan time, NodeId node) => At(time, $"stall the disk of {node}", sim => sim.GetNode(node).Disk.Stall());

    /// <summary>Un-stalls the disk of <paramref name="node"/> at <paramref name="time"/>.</summary>
    public FaultSchedule UnstallDisk(TimeSpan time, NodeId node) => At(time, $"unstall the disk of {node}", sim => sim.GetNode(node).Disk.Unstall());

    /// <summary>Replaces the network's default link options at <paramref name="time"/> (e.g. to start a loss burst).</summary>
    public FaultSchedule SetDefaultLink(TimeSpan time, LinkOptions options) =>
        At(time, "change the default link", sim => sim.Network.DefaultLink = options);

    /// <summary>Schedules every fault in <paramref name="simulator"/>; faults dated in the past run at once.</summary>
    public void Install(Simulator simulator)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        foreach (var fault in _faults)
        {
            var delay = fault.Time > simulator.Now ? fault.Time - simulator.Now : TimeSpan.Zero;
            simulator.Schedule(delay, () =>
            {
                Log.ScheduledFault(simulator.Logger, fault.Description, simulator.Now);
                if (simulator.Trace.IsTextEnabled)
                {
                    simulator.TraceLine($"schedule: {fault.Description}");
                }

                fault.Apply(simulator);
            });
        }
    }
}
