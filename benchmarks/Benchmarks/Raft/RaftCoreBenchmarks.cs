using BenchmarkDotNet.Attributes;

namespace Benchmarks.Raft;

/// <summary>
/// The pure core path: one batch of 128 B commands proposed to the leader of three <see cref="global::Raft.Core.RaftCore"/>s
/// on one thread, persisted to their memory logs, replicated, committed and applied on every node (no I/O, no tasks).
/// Divide by <see cref="Batch"/> for the cost per command.
/// </summary>
[MemoryDiagnoser]
public class RaftCoreBenchmarks
{
    private readonly byte[] _command = new byte[128];
    private InProcessCoreCluster _cluster = null!;

    /// <summary>Commands proposed between two rounds of Ready processing.</summary>
    [Params(1, 64, 1024)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup() => _cluster = new InProcessCoreCluster(3);

    [Benchmark]
    public void ProposeReplicateCommit() => _cluster.ProposeAndCommit(Batch, Batch, _command);
}
