using System.Globalization;
using BenchmarkDotNet.Attributes;
using Cluster.Core;
using Raft.Core;

namespace Benchmarks.Raft;

/// <summary>
/// <see cref="SegmentedLogStore.AppendAsync"/> on a real disk (<see cref="DiskFileStorage"/> in a temporary folder): batches of 1 and
/// 64 entries of 128 bytes, with and without an fsync per batch. One operation is one append call.
/// </summary>
/// <remarks>
/// The store compacts itself every <see cref="CompactEveryEntries"/> entries so memory stays flat over a long run; that cost (one
/// marker, one fsync, segment deletes) is spread over the appends, as it is in a host that compacts after each snapshot.
/// </remarks>
[MemoryDiagnoser]
public class LogStoreBenchmarks
{
    private const int EntryBytes = 128;
    private const int CompactEveryEntries = 200_000;

    private readonly byte[] _payload = new byte[EntryBytes];
    private string _root = "";
    private SegmentedLogStore _store = null!;
    private LogEntry[] _batch = [];
    private HardState _hardState;

    /// <summary>Entries per append call.</summary>
    [Params(1, 64)]
    public int BatchEntries { get; set; }

    /// <summary>Whether each append is fsynced before it completes.</summary>
    [Params(false, true)]
    public bool Sync { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        new RandomSource(42).NextBytes(_payload);
        _root = Path.Combine(Path.GetTempPath(), "logstore-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        _store = await SegmentedLogStore.OpenAsync(new DiskFileStorage(_root));
        _batch = new LogEntry[BatchEntries];
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark]
    public async Task Append()
    {
        var next = _store.LastIndex + 1;
        for (var i = 0; i < _batch.Length; i++)
        {
            _batch[i] = new LogEntry { Index = next + (ulong)i, Term = 1, Data = _payload };
        }

        _hardState = new HardState(1, NodeId.None, next);
        await _store.AppendAsync(_batch, _hardState, Sync);
        if (_store.LastIndex - _store.Snapshot.Index >= CompactEveryEntries)
        {
            await _store.CompactAsync(new SnapshotMetadata { Index = _store.LastIndex, Term = 1 });
        }
    }
}
