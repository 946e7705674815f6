using System.Diagnostics;
using System.Globalization;
using Cluster.Core;
using Haystack;

namespace Benchmarks.Haystack;

/// <summary>
/// <c>compare file-per-blob</c>: a Haystack volume against one file per blob in a directory tree, on
/// the same disk in the same run. Both sides fsync every acknowledged write; reads are random over
/// all blobs, alternating rounds between the two so that neither gets a warmer machine.
/// </summary>
public static class FilePerBlobComparison
{
    private const int Concurrency = 16;

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
                ["page_cache"] = "warm for both (the data set fits in RAM unless the full run exceeds it)",
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
