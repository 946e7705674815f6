using Cluster.Core;
using Cluster.Simulation;

namespace Raft.Core.Tests.Infrastructure;

/// <summary>One simulated node whose only job is to own a disk; tests drive the disk from harness code.</summary>
internal sealed class DiskHarness
{
    public DiskHarness(ulong seed = 1, DiskOptions? options = null)
    {
        Simulator = new Simulator(seed, new SimulatorOptions { Disk = options });
        Node = Simulator.AddNode(new NodeId(1), _ => { });
    }

    public Simulator Simulator { get; }

    public SimulatedNode Node { get; }

    public SimulatedDisk Disk => Node.Disk;

    public void Run(Func<IFileStorage, Task> body) => Simulator.Run(() => body(Disk));

    public T Run<T>(Func<IFileStorage, Task<T>> body) => Simulator.Run(() => body(Disk));

    public void CrashAndRestart(bool tearLastWrite = false)
    {
        Node.Crash(tearLastWrite);
        Node.Restart();
    }
}
