using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Cluster.Core;
using Haystack;
using Microsoft.Win32.SafeHandles;

namespace Benchmarks.Haystack;

/// <summary>
/// <c>compare file-per-blob</c>: a Haystack volume against one file per blob in a directory tree, on the same disk in
/// the same run. Both sides fsync every acknowledged write; reads are random over all blobs, rounds alternating between
/// the sides so that neither gets a warmer machine. Each side reads two ways: into a fresh array it hands over (ours:
/// <see cref="PhysicalVolume.ReadAsync"/>; peer: <see cref="File.ReadAllBytes(string)"/>) and into a pooled buffer
/// (ours: <see cref="PhysicalVolume.ReadLeasedAsync"/>; peer: open, one positional read into a rented buffer, close).
/// The headline takes each side's fastest way with the page cache warm; <c>details</c> has every figure, a per-read
/// cost breakdown and rounds with the page cache cold.
/// </summary>
/// <remarks>
/// Environment: <c>HAYSTACK_COMPARE_BLOBS=N</c> sets the blob count (default 5,000 with --quick, else 1,000,000);
/// <c>HAYSTACK_COMPARE_DROP_METADATA=1</c> also evicts the machine's cached directory entries, inodes and metadata blocks
/// before each cold round (writes 3 to <c>/proc/sys/vm/drop_caches</c>, since ext4 keeps directory and inode-table blocks in
/// the block device's page cache: needs root, and affects every process on the machine).
/// </remarks>
public static class FilePerBlobComparison
{
    private const int Concurrency = 16;
    private const int AdviseDontNeed = 4; // POSIX_FADV_DONTNEED on Linux

    /// <summary>Runs the comparison; <paramref name="quick"/> scales the blob count down to finish in under a minute.</summary>
    public static async Task<ComparisonResult> RunAsync(bool quick)
    {
        var blobs = int.TryParse(Environment.GetEnvironmentVariable("HAYSTACK_COMPARE_BLOBS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : quick ? 5_000 : 1_000_000;
        var dropMetadata = Environment.GetEnvironmentVariable("HAYSTACK_COMPARE_DROP_METADATA") == "1";
        var readsPerRound = quick ? 20_000 : 200_000;
        var root = Path.Combine(Path.GetTempPath(), "haystack-compare-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(root);
        try
        {
            var random = new RandomSource(42);
            var sizes = Enumerable.Range(0, blobs).Select(_ => (int)random.Next(4 * 1024, FilePerBlobPeer.MaxBlobBytes + 1)).ToArray();
            var payload = new byte[FilePerBlobPeer.MaxBlobBytes];
            random.NextBytes(payload);

            var storage = new DiskFileStorage(Path.Combine(root, "haystack"));
            await using var volume = await PhysicalVolume.CreateAsync(storage, 1, new VolumeOptions { CheckpointIntervalNeedles = 100_000 });
            var volumePath = Path.Combine(storage.RootPath, volume.FileName);
            var peer = new FilePerBlobPeer(Path.Combine(root, "files"));

            var oursWrites = await MeasureAsync(blobs, i => new ValueTask(volume.WriteAsync((ulong)i, 0, (ulong)i, payload.AsMemory(0, sizes[i]))));
            var peerWrites = await MeasureAsync(blobs, i => new ValueTask(peer.WriteAsync(i, payload.AsMemory(0, sizes[i]))));
            var serialCount = Math.Min(blobs, quick ? 500 : 5_000);
            var oursSerialWrites = await MeasureAsync(serialCount, i => new ValueTask(volume.WriteAsync((ulong)(blobs + i), 0, 1, payload.AsMemory(0, sizes[i]))), concurrency: 1);

            Func<int, ValueTask> Ours(int[] keys, bool leased) => leased
                ? async i => (await volume.ReadLeasedAsync((ulong)keys[i], 0, (ulong)keys[i])).Dispose()
                : async i => _ = await volume.ReadAsync((ulong)keys[i], 0, (ulong)keys[i]);
            Func<int, ValueTask> Peer(int[] keys, bool pooled) => pooled
                ? i => { peer.ReadPooled(keys[i]); return ValueTask.CompletedTask; }
                : i => { peer.ReadAllBytes(keys[i]); return ValueTask.CompletedTask; };

            var oursArray = new List<double>();
            var peerArray = new List<double>();
            var oursLeased = new List<double>();
            var peerPooled = new List<double>();
            for (var round = 0; round < 3; round++)
            {
                var keys = RandomKeys(random, readsPerRound, blobs);
                oursArray.Add(await MeasureAsync(readsPerRound, Ours(keys, leased: false)));
                peerArray.Add(await MeasureAsync(readsPerRound, Peer(keys, pooled: false)));
                oursLeased.Add(await MeasureAsync(readsPerRound, Ours(keys, leased: true)));
                peerPooled.Add(await MeasureAsync(readsPerRound, Peer(keys, pooled: true)));
            }

            // The same over the smallest blobs only (8 KiB at most): the fixed cost of a read (index lookup and one pread
            // against path lookup, open, read and close) outweighs copying and checksumming the bytes there.
            var small = Enumerable.Range(0, blobs).Where(i => sizes[i] <= 8 * 1024).ToArray();
            var smallKeys = Enumerable.Range(0, readsPerRound).Select(_ => small[random.Next(small.Length)]).ToArray();
            var oursSmall = await MeasureAsync(smallKeys.Length, Ours(smallKeys, leased: true));
            var peerSmall = await MeasureAsync(smallKeys.Length, Peer(smallKeys, pooled: true));

            // What one read allocates, over a fresh round of each (GC.GetTotalAllocatedBytes counts every thread).
            var probe = RandomKeys(random, readsPerRound / 4, blobs);
            var allocated = new Dictionary<string, double>
            {
                ["ours_array"] = await AllocatedPerOperationAsync(probe.Length, Ours(probe, leased: false)),
                ["ours_leased"] = await AllocatedPerOperationAsync(probe.Length, Ours(probe, leased: true)),
                ["file_per_blob_read_all_bytes"] = await AllocatedPerOperationAsync(probe.Length, Peer(probe, pooled: false)),
                ["file_per_blob_pooled"] = await AllocatedPerOperationAsync(probe.Length, Peer(probe, pooled: true)),
            };

            var costs = await FilePerBlobReadCosts.MeasureAsync(volume, volumePath, peer, RandomKeys(random, quick ? 20_000 : 100_000, blobs));

            // Cold rounds: every data page of both sides dropped from the page cache before each round. Unless asked to drop
            // the machine's metadata caches too, the blob files' directory entries and inodes stay cached, which spares the
            // peer the metadata reads that the paper's design avoids.
            var coldReads = quick ? 2_000 : 20_000;
            var oursCold = new List<double>();
            var peerCold = new List<double>();
            var coldSupported = OperatingSystem.IsLinux();
            for (var round = 0; coldSupported && round < 2; round++)
            {
                var keys = RandomKeys(random, coldReads, blobs);
                DropFromPageCache(volumePath, dropMetadata);
                oursCold.Add(await MeasureAsync(coldReads, Ours(keys, leased: true)));
                for (var key = 0; key < blobs; key++)
                {
                    DropFromPageCache(peer.PathOf(key), dropMetadata: false);
                }

                DropMetadataCaches(dropMetadata);
                peerCold.Add(await MeasureAsync(coldReads, Peer(keys, pooled: true)));
            }

            var ours = Math.Max(oursArray.Max(), oursLeased.Max());
            var best = Math.Max(peerArray.Max(), peerPooled.Max());
            var details = new Dictionary<string, object>
            {
                ["blobs"] = blobs,
                ["blob_bytes"] = "4-64 KiB uniform",
                ["average_blob_bytes"] = Round(sizes.Average()),
                ["concurrency"] = Concurrency,
                ["headline"] = "each side's fastest read way, best of 3 warm rounds",
                ["ours_reads"] = "array: ReadAsync, one pread of the whole needle into an uninitialised array, CRC-32C and cookie checked, completes synchronously on a local disk; leased: ReadLeasedAsync, the same into an ArrayPool buffer returned on Dispose",
                ["file_per_blob_reads"] = "array: File.ReadAllBytes; pooled: File.OpenHandle, one RandomAccess.Read of up to 64 KiB into an ArrayPool buffer, close (no checksum)",
                ["reads_per_second_rounds_ours_array"] = oursArray.Select(Round).ToArray(),
                ["reads_per_second_rounds_file_per_blob_array"] = peerArray.Select(Round).ToArray(),
                ["reads_per_second_rounds_ours_leased"] = oursLeased.Select(Round).ToArray(),
                ["reads_per_second_rounds_file_per_blob_pooled"] = peerPooled.Select(Round).ToArray(),
                ["ratio_array"] = Math.Round(oursArray.Max() / peerArray.Max(), 3),
                ["ratio_pooled"] = Math.Round(oursLeased.Max() / peerPooled.Max(), 3),
                ["reads_per_second_blobs_up_to_8KiB_ours_leased"] = Round(oursSmall),
                ["reads_per_second_blobs_up_to_8KiB_file_per_blob_pooled"] = Round(peerSmall),
                ["ratio_blobs_up_to_8KiB"] = Math.Round(oursSmall / peerSmall, 3),
                ["allocated_bytes_per_read"] = allocated.ToDictionary(e => e.Key, e => (object)Round(e.Value)),
                ["per_read_microseconds_one_thread"] = costs,
                ["writes_per_second_ours_batched_fsync"] = Round(oursWrites),
                ["writes_per_second_ours_one_writer"] = Round(oursSerialWrites),
                ["writes_per_second_file_per_blob"] = Round(peerWrites),
                ["batched_fsync_write_gain"] = Round(oursWrites / oursSerialWrites),
                ["write_megabytes_per_second_ours_batched_fsync"] = Round(oursWrites * sizes.Average() / 1e6),
                ["write_megabytes_per_second_file_per_blob"] = Round(peerWrites * sizes.Average() / 1e6),
                ["index_bytes_per_needle"] = Math.Round((double)volume.IndexBytes / volume.NeedleCount, 2),
                ["cold_reads_per_round"] = coldSupported ? coldReads : 0,
                ["cold_reads_per_second_rounds_ours_leased"] = oursCold.Select(Round).ToArray(),
                ["cold_reads_per_second_rounds_file_per_blob_pooled"] = peerCold.Select(Round).ToArray(),
                ["cold_ratio"] = coldSupported ? Math.Round(oursCold.Max() / peerCold.Max(), 3) : 0,
                ["cold_page_cache"] = !coldSupported ? "not measured (posix_fadvise needs Linux)"
                    : dropMetadata ? "data pages of the volume file and of every blob file dropped with posix_fadvise(DONTNEED), and the machine's dentries, inodes and metadata blocks with drop_caches=3, before each side's round"
                    : "data pages of the volume file and of every blob file dropped with posix_fadvise(DONTNEED) before each round; the blob files' directory entries and inodes stay cached",
            };
            return new ComparisonResult("file-per-blob", "random reads/s", Round(ours), Round(best), Math.Round(ours / best, 3), details);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static double Round(double value) => Math.Round(value, 1);

    private static int[] RandomKeys(RandomSource random, int count, int blobs) => Enumerable.Range(0, count).Select(_ => random.Next(blobs)).ToArray();

    /// <summary>Asks the kernel to drop the cached pages of a file (all of them are clean: both sides fsync every write).</summary>
    private static void DropFromPageCache(string path, bool dropMetadata)
    {
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read))
        {
            var error = PosixFadvise(handle, 0, 0, AdviseDontNeed);
            if (error != 0)
            {
                throw new IOException($"posix_fadvise of '{path}' failed with error {error}.");
            }
        }

        DropMetadataCaches(dropMetadata);
    }

    /// <summary>Evicts every cached directory entry, inode and page of the machine, when asked to.</summary>
    private static void DropMetadataCaches(bool dropMetadata)
    {
        if (dropMetadata)
        {
            File.WriteAllText("/proc/sys/vm/drop_caches", "3");
        }
    }

    // posix_fadvise returns the error number rather than setting errno. A plain DllImport: the generated LibraryImport
    // would need unsafe code enabled for the whole benchmarks project.
    [DllImport("libc", EntryPoint = "posix_fadvise")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int PosixFadvise(SafeFileHandle handle, long offset, long length, int advice);

    /// <summary>Bytes allocated per operation over <paramref name="count"/> operations run by the usual workers.</summary>
    private static async Task<double> AllocatedPerOperationAsync(int count, Func<int, ValueTask> operation)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await MeasureAsync(count, operation);
        return (double)(GC.GetTotalAllocatedBytes(precise: true) - before) / count;
    }

    /// <summary>Runs <paramref name="count"/> operations with a fixed number of workers; returns operations per second.</summary>
    private static async Task<double> MeasureAsync(int count, Func<int, ValueTask> operation, int concurrency = Concurrency)
    {
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            await Task.Yield();
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await operation(i);
            }
        }));
        return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}
