using BenchmarkDotNet.Attributes;
using Cluster.Core;
using Raft.Core;

namespace Benchmarks.Raft;

/// <summary>
/// The synchronous read path the Raft core uses on a <see cref="SegmentedLogStore"/> holding 100 000 entries of 128 bytes: it is
/// served from memory, so it costs the same whatever the disk.
/// </summary>
[MemoryDiagnoser]
public class LogStoreReadBenchmarks
{
    private const int Entries = 100_000;

    private string _root = "";
    private SegmentedLogStore _store = null!;
    private ulong _probe;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var payload = new byte[128];
        new RandomSource(7).NextBytes(payload);
        _root = Path.Combine(Path.GetTempPath(), "logstore-read-bench-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _store = await SegmentedLogStore.OpenAsync(new DiskFileStorage(_root));
        for (var first = 1UL; first <= Entries; first += 1000)
        {
            var batch = Enumerable.Range(0, 1000).Select(i => new LogEntry { Index = first + (ulong)i, Term = 1 + ((first + (ulong)i) / 10_000), Data = payload }).ToArray();
            await _store.AppendAsync(batch, null, sync: false);
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>One term lookup, as the core makes for every Append it sends or receives.</summary>
    [Benchmark]
    public ulong Term()
    {
        _probe = (_probe * 7919 + 13) % Entries;
        return _store.Term(_probe + 1);
    }

    /// <summary>64 consecutive entries under a 1 MiB limit, as the leader reads for one Append message.</summary>
    [Benchmark]
    public int Entries64()
    {
        _probe = (_probe * 7919 + 13) % (Entries - 64);
        return _store.Entries(_probe + 1, _probe + 65, 1024 * 1024).Count;
    }
}
