using BenchmarkDotNet.Attributes;
using Cluster.Core;

namespace Benchmarks.Core;

/// <summary>CRC-32C throughput: the CPU-instruction path against the slicing-by-8 table, over record-sized buffers.</summary>
[MemoryDiagnoser]
public class Crc32CBenchmarks
{
    private byte[] _data = [];

    /// <summary>Buffer size: a small record, a page, a log segment chunk.</summary>
    [Params(64, 4096, 65536)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Bytes];
        new RandomSource(42).NextBytes(_data);
    }

    [Benchmark(Baseline = true)]
    public uint Software() => Crc32C.ComputeSoftware(_data);

    [Benchmark]
    public uint Default() => Crc32C.Compute(_data);
}
