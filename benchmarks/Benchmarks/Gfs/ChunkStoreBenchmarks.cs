using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Cluster.Core;
using Gfs;
using Microsoft.Win32.SafeHandles;

namespace Benchmarks.Gfs;

/// <summary>
/// <see cref="ChunkStore"/> on a real disk (<see cref="DiskFileStorage"/> in a temporary folder), each next to the raw file
/// operation it is built on, so the ratio shows the store's overhead:
/// <list type="bullet">
/// <item>Write: 1 MiB appended and durable (data fsync, then journal fsync) against 1 MiB written sequentially to a plain file
/// and fsynced. A full 64 MiB chunk is deleted and a new one created, as a chunkserver fills chunk after chunk; that cost is
/// spread over the chunk's 64 writes.</item>
/// <item>Read: one 64 KiB block read and its CRC-32C verified, against a plain 64 KiB positional read of a file; both from the
/// page cache after the first pass, so this measures CPU cost, not the disk.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ChunkStoreBenchmarks
{
    private const int WriteBytes = 1024 * 1024;
    private const int ReadBytes = ChunkStore.BlockSize;
    private const long ChunkBytes = ChunkStoreOptions.DefaultChunkSizeBytes;
    private const ulong ReadHandle = 1;

    private readonly byte[] _payload = new byte[WriteBytes];
    private readonly byte[] _readBuffer = new byte[ReadBytes];
    private string _root = "";
    private ChunkStore _store = null!;
    private ulong _writeHandle = 1000;
    private long _writeLength;
    private SafeFileHandle _rawWrite = null!;
    private long _rawWriteOffset;
    private SafeFileHandle _rawRead = null!;
    private long _readBlock;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        new RandomSource(42).NextBytes(_payload);
        _root = Path.Combine(Path.GetTempPath(), "chunkstore-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        _store = await ChunkStore.OpenAsync(new DiskFileStorage(Path.Combine(_root, "store")));
        await _store.CreateAsync(ReadHandle, 1);
        for (var i = 0; i < ChunkBytes / WriteBytes; i++)
        {
            await _store.AppendAsync(ReadHandle, _payload);
        }

        await _store.CreateAsync(_writeHandle, 1);
        _rawWrite = File.OpenHandle(Path.Combine(_root, "raw-write.bin"), FileMode.Create, FileAccess.ReadWrite);
        var rawReadPath = Path.Combine(_root, "raw-read.bin");
        using (var fill = File.OpenHandle(rawReadPath, FileMode.Create, FileAccess.Write))
        {
            for (var i = 0; i < ChunkBytes / WriteBytes; i++)
            {
                RandomAccess.Write(fill, _payload, (long)i * WriteBytes);
            }
        }

        _rawRead = File.OpenHandle(rawReadPath, FileMode.Open, FileAccess.Read);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _store.DisposeAsync();
        _rawWrite.Dispose();
        _rawRead.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>Raw: 1 MiB written at the end of a plain file and fsynced; the file restarts at zero every 64 MiB.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Write 1 MiB")]
    public void RawWriteAndFsync()
    {
        if (_rawWriteOffset == ChunkBytes)
        {
            RandomAccess.SetLength(_rawWrite, 0);
            _rawWriteOffset = 0;
        }

        RandomAccess.Write(_rawWrite, _payload, _rawWriteOffset);
        RandomAccess.FlushToDisk(_rawWrite);
        _rawWriteOffset += WriteBytes;
    }

    /// <summary>The store: 1 MiB appended to a chunk and durable; a full chunk is deleted and a fresh one created.</summary>
    [Benchmark]
    [BenchmarkCategory("Write 1 MiB")]
    public async Task ChunkAppend()
    {
        if (_writeLength == ChunkBytes)
        {
            await _store.DeleteAsync(_writeHandle);
            _writeHandle++;
            await _store.CreateAsync(_writeHandle, 1);
            _writeLength = 0;
        }

        await _store.AppendAsync(_writeHandle, _payload);
        _writeLength += WriteBytes;
    }

    /// <summary>Raw: one 64 KiB positional read of a plain file, stepping through its blocks.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Read 64 KiB")]
    public int RawRead() => RandomAccess.Read(_rawRead, _readBuffer, NextReadOffset());

    /// <summary>The store: one 64 KiB block read and verified against its CRC-32C before it is returned.</summary>
    [Benchmark]
    [BenchmarkCategory("Read 64 KiB")]
    public Task<int> ChunkRead() => _store.ReadAsync(ReadHandle, NextReadOffset(), _readBuffer);

    private long NextReadOffset()
    {
        // A fixed stride through the chunk's 1024 blocks, the same for both sides.
        _readBlock = (_readBlock + 389) % (ChunkBytes / ReadBytes);
        return _readBlock * ReadBytes;
    }
}
