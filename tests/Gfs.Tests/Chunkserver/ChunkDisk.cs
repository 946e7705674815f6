using Cluster.Core;
using Cluster.Simulation;

namespace Gfs.Tests.Chunkserver;

/// <summary>
/// A simulated node that only owns a disk, for driving a <see cref="ChunkStore"/> from harness code: run async bodies on the
/// simulator, crash the disk (losing unsynced writes, optionally tearing the last) and start over on what survived.
/// </summary>
internal sealed class ChunkDisk
{
    public const string Project = "tests/Gfs.Tests";

    /// <summary>Small chunks (eight blocks) so tests cross block and chunk boundaries with little data.</summary>
    public static readonly ChunkStoreOptions SmallChunks = new() { ChunkSizeBytes = 8 * ChunkStore.BlockSize };

    public ChunkDisk(ulong seed = 1, DiskOptions? options = null)
    {
        Simulator = new Simulator(seed, new SimulatorOptions { Disk = options });
        Node = Simulator.AddNode(new NodeId(1), _ => { });
    }

    public Simulator Simulator { get; }

    public SimulatedNode Node { get; }

    public SimulatedDisk Disk => Node.Disk;

    public void Run(Func<Task> body) => Simulator.Run(body);

    public T Run<T>(Func<Task<T>> body) => Simulator.Run(body);

    public ChunkStore Open(ChunkStoreOptions? options = null) => Run(() => ChunkStore.OpenAsync(Disk, options ?? SmallChunks));

    /// <summary>Crashes the node and restarts it over its surviving disk; stores opened before are dead.</summary>
    public void Crash(bool tearLastWrite = false)
    {
        Node.Crash(tearLastWrite);
        Node.Restart();
    }

    public static string DataName(ulong handle) => ChunkFileNames.DataName(ChunkStoreOptions.DefaultFilePrefix, handle);

    public static string JournalName(ulong handle) => ChunkFileNames.JournalName(ChunkStoreOptions.DefaultFilePrefix, handle);

    /// <summary>Deterministic pseudo-random bytes.</summary>
    public static byte[] Bytes(int count, ulong seed)
    {
        var bytes = new byte[count];
        new RandomSource(seed).NextBytes(bytes);
        return bytes;
    }
}
