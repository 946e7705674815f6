using Cluster.Core;

namespace Cluster.Simulation.Tests.Infrastructure;

/// <summary>One node whose only job is to own a disk; tests drive the disk through <see cref="Simulator.Run(Func{Task}, TimeSpan?)"/>.</summary>
public sealed class DiskHarness
{
    public DiskHarness(ulong seed, DiskOptions? options = null)
    {
        Simulator = new Simulator(seed, new SimulatorOptions { Disk = options });
        Node = Simulator.AddNode(new NodeId(1), _ => { });
    }

    public Simulator Simulator { get; }

    public SimulatedNode Node { get; }

    public SimulatedDisk Disk => Node.Disk;

    public void Run(Func<IFileStorage, Task> body) => Simulator.Run(() => body(Disk));

    public void CrashAndRestart(bool tearLastWrite = false)
    {
        Node.Crash(tearLastWrite);
        Node.Restart();
    }

    public byte[] Contents(string name) => Disk.ReadAllBytes(name) ?? throw new FileNotFoundException(name);

    public static byte[] Bytes(int count, byte value) => Enumerable.Repeat(value, count).ToArray();
}
