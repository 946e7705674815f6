using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Cluster.Core;
using Haystack;
using Microsoft.Win32.SafeHandles;

namespace Benchmarks.Haystack;

/// <summary>
/// <c>compare file-per-blob</c>: a Haystack volume against one file per blob in a directory tree, on
/// the same disk in the same run. Both sides fsync every acknowledged write; reads are random over
/// all blobs, alternating rounds between the two so that neither gets a warmer machine. The headline
/// is with the page cache warm; <c>details</c> adds rounds with both sides' data pages dropped from it
/// first (<c>posix_fadvise(POSIX_FADV_DONTNEED)</c>, Linux only) and what each read allocates.
/// </summary>
public static class FilePerBlobComparison
{
    private const int Concurrency = 16;
    private const int AdviseDontNeed = 4; // POSIX_FADV_DONTNEED on Linux

    /// <summary>Runs the comparison; <paramref name="quick"/> scales the blob count down to finish in under a minute.</summary>
    public static async Task<ComparisonResult> RunAsync(bool quick)
    {
        var blobs = quick ? 5_000 : 1_000_000;
        var readsPerRound = quick ? 20_000 : 200_000;
        var root = Path.Combine(Path.GetTempPath(), "haystack-compare-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(root);
        try
        {
            var random = new RandomSource(42);
            var sizes = Enumerable.Range(0, blobs).Select(_ => (int)random.Next(4 * 1024, 64 * 1024 + 1)).ToArray();
            var payload = new byte[64 * 1024];
            random.NextBytes(payload);

            var storage = new DiskFileStorage(Path.Combine(root, "haystack"));
            await using var volume = await PhysicalVolume.CreateAsync(storage, 1, new VolumeOptions { CheckpointIntervalNeedles = 100_000 });
            var filesRoot = Path.Combine(root, "files");

            var oursWrites = await MeasureAsync(blobs, i => volume.WriteAsync((ulong)i, 0, (ulong)i, payload.AsMemory(0, sizes[i])));
            var peerWrites = await MeasureAsync(blobs, i => WriteFileAsync(filesRoot, i, payload.AsMemory(0, sizes[i])));
            var serialCount = Math.Min(blobs, quick ? 500 : 5_000);
            var oursSerialWrites = await MeasureAsync(serialCount, i => volume.WriteAsync((ulong)(blobs + i), 0, 1, payload.AsMemory(0, sizes[i])), concurrency: 1);

            var oursReads = new List<double>();
            var peerReads = new List<double>();
            for (var round = 0; round < 3; round++)
            {
                var keys = Enumerable.Range(0, readsPerRound).Select(_ => random.Next(blobs)).ToArray();
                oursReads.Add(await MeasureAsync(readsPerRound, i => volume.ReadAsync((ulong)keys[i], 0, (ulong)keys[i])));
                peerReads.Add(await MeasureAsync(readsPerRound, i => File.ReadAllBytesAsync(FilePath(filesRoot, keys[i]))));
            }

            // The same over the smallest blobs only (8 KiB at most): the fixed cost of a read (index lookup and one pread
            // against path lookup, open, fstat, read and close) outweighs copying and checksumming the bytes there.
            var small = Enumerable.Range(0, blobs).Where(i => sizes[i] <= 8 * 1024).ToArray();
            var smallKeys = Enumerable.Range(0, readsPerRound).Select(_ => small[random.Next(small.Length)]).ToArray();
            var oursSmall = await MeasureAsync(smallKeys.Length, i => volume.ReadAsync((ulong)smallKeys[i], 0, (ulong)smallKeys[i]));
            var peerSmall = await MeasureAsync(smallKeys.Length, i => File.ReadAllBytesAsync(FilePath(filesRoot, smallKeys[i])));

            // What one read allocates, over a fresh round of each (GC.GetTotalAllocatedBytes counts every thread).
            var probe = Enumerable.Range(0, readsPerRound / 4).Select(_ => random.Next(blobs)).ToArray();
            var oursAllocated = await AllocatedPerOperationAsync(probe.Length, i => volume.ReadAsync((ulong)probe[i], 0, (ulong)probe[i]));
            var peerAllocated = await AllocatedPerOperationAsync(probe.Length, i => File.ReadAllBytesAsync(FilePath(filesRoot, probe[i])));
            var averageBlob = sizes.Average();

            // Cold rounds: every data page of both sides dropped from the page cache before each round. Only data pages
            // go: the file-per-blob side keeps its directory entries and inodes cached (dropping those needs root's
            // drop_caches), which spares it the metadata reads that the paper's design avoids.
            var coldReads = quick ? 2_000 : 20_000;
            var oursCold = new List<double>();
            var peerCold = new List<double>();
            var coldSupported = OperatingSystem.IsLinux();
            for (var round = 0; coldSupported && round < 2; round++)
            {
                var keys = Enumerable.Range(0, coldReads).Select(_ => random.Next(blobs)).ToArray();
                DropFromPageCache(Path.Combine(storage.RootPath, volume.FileName));
                oursCold.Add(await MeasureAsync(coldReads, i => volume.ReadAsync((ulong)keys[i], 0, (ulong)keys[i])));
                for (var key = 0; key < blobs; key++)
                {
                    DropFromPageCache(FilePath(filesRoot, key));
                }

                peerCold.Add(await MeasureAsync(coldReads, i => File.ReadAllBytesAsync(FilePath(filesRoot, keys[i]))));
            }

            var ours = oursReads.Max();
            var peer = peerReads.Max();
            var details = new Dictionary<string, object>
            {
                ["blobs"] = blobs,
                ["blob_bytes"] = "4-64 KiB uniform",
                ["concurrency"] = Concurrency,
                ["reads_per_second_rounds_ours"] = oursReads.Select(Round).ToArray(),
                ["reads_per_second_rounds_file_per_blob"] = peerReads.Select(Round).ToArray(),
                ["writes_per_second_ours_batched_fsync"] = Round(oursWrites),
                ["writes_per_second_ours_one_writer"] = Round(oursSerialWrites),
                ["writes_per_second_file_per_blob"] = Round(peerWrites),
                ["batched_fsync_write_gain"] = Round(oursWrites / oursSerialWrites),
                ["index_bytes_per_needle"] = Math.Round((double)volume.IndexBytes / volume.NeedleCount, 2),
                ["page_cache"] = "warm for both in the headline (the data set fits in RAM unless the full run exceeds it)",
                ["reads_per_second_blobs_up_to_8KiB_ours"] = Round(oursSmall),
                ["reads_per_second_blobs_up_to_8KiB_file_per_blob"] = Round(peerSmall),
                ["ratio_blobs_up_to_8KiB"] = Math.Round(oursSmall / peerSmall, 3),
                ["allocated_bytes_per_read_ours"] = Round(oursAllocated),
                ["allocated_bytes_per_read_file_per_blob"] = Round(peerAllocated),
                ["average_blob_bytes"] = Round(averageBlob),
                ["cold_reads_per_round"] = coldSupported ? coldReads : 0,
                ["cold_reads_per_second_rounds_ours"] = oursCold.Select(Round).ToArray(),
                ["cold_reads_per_second_rounds_file_per_blob"] = peerCold.Select(Round).ToArray(),
                ["cold_ratio"] = coldSupported ? Math.Round(oursCold.Max() / peerCold.Max(), 3) : 0,
                ["cold_page_cache"] = coldSupported
                    ? "data pages of the volume file and of every blob file dropped with posix_fadvise(DONTNEED) before each round; the blob files' directory entries and inodes stay cached"
                    : "not measured (posix_fadvise needs Linux)",
            };
            return new ComparisonResult("file-per-blob", "random reads/s", Round(ours), Round(peer), Math.Round(ours / peer, 3), details);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static double Round(double value) => Math.Round(value, 1);

    private static string FilePath(string root, int key) =>
        Path.Combine(root, (key & 0xFF).ToString("x2", CultureInfo.InvariantCulture), ((key >> 8) & 0xFF).ToString("x2", CultureInfo.InvariantCulture), key.ToString(CultureInfo.InvariantCulture));

    private static async Task WriteFileAsync(string root, int key, ReadOnlyMemory<byte> data)
    {
        var path = FilePath(root, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
        await stream.WriteAsync(data);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Asks the kernel to drop the cached pages of a file (all of them are clean: both sides fsync every write).</summary>
    private static void DropFromPageCache(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        var error = PosixFadvise(handle, 0, 0, AdviseDontNeed);
        if (error != 0)
        {
            throw new IOException($"posix_fadvise of '{path}' failed with error {error}.");
        }
    }

    // posix_fadvise returns the error number rather than setting errno. A plain DllImport: the generated LibraryImport
    // would need unsafe code enabled for the whole benchmarks project.
    [DllImport("libc", EntryPoint = "posix_fadvise")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int PosixFadvise(SafeFileHandle handle, long offset, long length, int advice);

    /// <summary>Bytes allocated per operation over <paramref name="count"/> operations run by the usual workers.</summary>
    private static async Task<double> AllocatedPerOperationAsync(int count, Func<int, Task> operation)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await MeasureAsync(count, operation);
        return (double)(GC.GetTotalAllocatedBytes(precise: true) - before) / count;
    }

    /// <summary>Runs <paramref name="count"/> operations with a fixed number of workers; returns operations per second.</summary>
    private static async Task<double> MeasureAsync(int count, Func<int, Task> operation, int concurrency = Concurrency)
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
