using System.Diagnostics;
using System.Globalization;
using Benchmarks.Raft;
using global::Gfs;

namespace Benchmarks.Gfs;

/// <summary>
/// <c>compare disk</c>: the micro-benchmarks of the GFS paper (SOSP'03 §6.1: reads, writes and record appends with 1 to 16
/// clients) scaled to this machine, as MB/s against the raw sequential bandwidth of the same disk measured in the same run.
/// </summary>
/// <remarks>
/// <para>
/// Everything runs in this process over loopback TCP with <c>DiskFileStorage</c> in one folder under the temp directory: three
/// masters (their Raft logs fsync too), five chunkservers on two racks, sixteen client nodes, replication factor three,
/// 1 MiB writes, reads and records. Each client writes its own file; for reads each client reads random 1 MiB pieces of the
/// files written at the largest client count; for record appends all clients append to one file (the paper's three tests).
/// </para>
/// <para>
/// <c>ours</c> is the best aggregate write MB/s over the client counts (all in the details). <c>peer</c> is what one disk
/// can do for three copies: the raw sequential write MB/s of 1 MiB writes with an fsync after each (every acknowledged GFS
/// write is fsynced on every replica), divided by three. The chunk store spends two fsyncs on a write at the end of a chunk
/// (the data file, then the journal record that commits the new length and checksums); the raw peer spends one, which is
/// all the durability needs; the cost of the second is measured separately as <c>raw_write_with_journal_fsync</c>.
/// </para>
/// <para>Reads come from the page cache on both sides (the data set fits in memory), so they measure the software path.</para>
/// </remarks>
public static class DiskComparison
{
    private const int PieceBytes = 1024 * 1024;
    private const int Chunkservers = 5;
    private const double Megabyte = 1024 * 1024;

    public static async Task<ComparisonResult> RunAsync(bool quick)
    {
        var plan = quick ? Plan.Quick : Plan.Full;
        var begun = Stopwatch.GetTimestamp();
        var root = Path.Combine(Path.GetTempPath(), "gfs-disk-compare-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var rawFolder = Path.Combine(root, "raw");
        Directory.CreateDirectory(rawFolder);
        ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
        var raisePool = Environment.GetEnvironmentVariable("GFS_DEFAULT_THREAD_POOL") != "1";
        if (raisePool)
        {
            // DiskFileStorage fsyncs on the calling thread, here a pool thread; on two cores the pool starts with two and adds
            // threads slowly, so sixteen writers' fsyncs would queue behind each other. A chunkserver host raises the minimum.
            ThreadPool.SetMinThreads(Math.Max(minWorkers, 64), minIo);
        }

        try
        {
            var clientOptions = new GfsClientOptions();
            await using var cluster = await GfsBenchCluster.StartAsync(Path.Combine(root, "gfs"), Chunkservers, plan.ClientCounts.Max(), plan.ChunkSize, clientOptions);
            Progress($"cluster up in {Stopwatch.GetElapsedTime(begun).TotalSeconds:0.0} s: 3 masters, {Chunkservers} chunkservers, {cluster.Clients.Count} clients, {plan.ChunkSize / Megabyte:0} MiB chunks");
            await WarmUpAsync(cluster);

            // Writes: each client count between two raw rounds taken with the cluster up and idle, so both sides see the same
            // machine (other work on a shared disk moves the raw figure a lot from minute to minute).
            var writes = new Dictionary<string, object>();
            var writeRates = new Dictionary<int, (double Ours, double RawBefore, double RawAfter)>();
            var largest = plan.ClientCounts.Max();
            foreach (var clients in plan.ClientCounts)
            {
                var rawBefore = Raw(rawFolder, plan);
                var phase = await WriteAsync(cluster, clients, plan.WriteBytes);
                var rawAfter = Raw(rawFolder, plan);
                writeRates[clients] = (phase.MegabytesPerSecond, rawBefore, rawAfter);
                phase.Details["raw_MBps_before_after"] = new[] { Math.Round(rawBefore, 1), Math.Round(rawAfter, 1) };
                phase.Details["ratio_to_raw_over_3"] = Math.Round(phase.MegabytesPerSecond / ((rawBefore + rawAfter) / 2 / 3), 3);
                writes[Key(clients)] = phase.Details;
                if (clients != largest)
                {
                    await DeleteAndWaitAsync(cluster, $"/w{clients}");
                }
            }

            var reads = new Dictionary<string, object>();
            foreach (var clients in plan.ClientCounts)
            {
                reads[Key(clients)] = (await ReadAsync(cluster, clients, largest, plan.WriteBytes / largest, plan.ReadBytes)).Details;
            }

            await DeleteAndWaitAsync(cluster, $"/w{largest}");
            var appends = new Dictionary<string, object>();
            foreach (var clients in plan.ClientCounts)
            {
                appends[Key(clients)] = (await AppendAsync(cluster, clients, plan.AppendBytes)).Details;
                await DeleteAndWaitAsync(cluster, $"/a{clients}");
            }

            var withJournal = RawDisk.SequentialWrite(rawFolder, plan.RawBytes, PieceBytes, journal: true);
            var threeCopies = await RawDisk.ThreeCopiesAsync(rawFolder, plan.RawBytes / 2, PieceBytes);
            var rawRead = RawDisk.SequentialRead(rawFolder, plan.RawBytes, PieceBytes);
            Progress($"raw: {withJournal:0} MB/s with a journal fsync after each write; {threeCopies:0} MB/s of data written as three copies at once; {rawRead:0} MB/s sequential reads");

            var best = writeRates.MaxBy(p => p.Value.Ours);
            var peer = (best.Value.RawBefore + best.Value.RawAfter) / 2 / 3;
            var details = new Dictionary<string, object>
            {
                ["ours_is"] = $"aggregate write MB/s with 3 replicas at the best client count ({best.Key})",
                ["peer_is"] = "raw sequential write MB/s (1 MiB writes, fsync after each), the mean of the rounds just before and after that phase, divided by 3",
                ["ratio_target"] = 0.8,
                ["writes_by_clients"] = writes,
                ["reads_by_clients"] = reads,
                ["record_appends_by_clients"] = appends,
                ["raw_write_with_journal_fsync_MBps"] = Math.Round(withJournal, 1),
                ["raw_three_copies_at_once_MBps"] = Math.Round(threeCopies, 1),
                ["raw_sequential_read_MBps"] = Math.Round(rawRead, 1),
                ["write_bytes"] = PieceBytes,
                ["chunk_bytes"] = plan.ChunkSize,
                ["replication"] = cluster.Master.ReplicationFactor,
                ["chunkservers"] = Chunkservers,
                ["masters"] = 3,
                ["push_piece_bytes"] = clientOptions.PushPieceBytes,
                ["push_window"] = clientOptions.PushWindow,
                ["min_worker_threads"] = raisePool ? Math.Max(minWorkers, 64) : minWorkers,
                ["bytes_per_phase"] = new Dictionary<string, object> { ["write"] = plan.WriteBytes, ["read"] = plan.ReadBytes, ["append"] = plan.AppendBytes, ["raw"] = plan.RawBytes },
                ["MB"] = "2^20 bytes",
                ["page_cache"] = "warm for reads on both sides",
                ["folder"] = root,
                ["processors"] = Environment.ProcessorCount,
            };
            Progress($"disk comparison done in {Stopwatch.GetElapsedTime(begun).TotalSeconds:0} s");
            return ComparisonResult.HigherIsBetter("disk", "MB/s", best.Value.Ours, peer, details);
        }
        finally
        {
            ThreadPool.SetMinThreads(minWorkers, minIo);
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    /// <summary>
    /// Deletes a phase's files and waits until the chunkservers have removed their replicas (the master reclaims at once, the
    /// chunkservers delete on their next heartbeat), so no phase shares the disk with the previous one's clean-up.
    /// </summary>
    private static async Task DeleteAndWaitAsync(GfsBenchCluster cluster, string path)
    {
        await cluster.Clients[0].DeleteAsync(path, recursive: true);
        for (var attempt = 0; attempt < 300 && cluster.Chunkservers.Sum(c => c.Store.List().Count) > 0; attempt++)
        {
            await Task.Delay(100);
        }
    }

    private static double Raw(string folder, Plan plan)
    {
        var rate = RawDisk.SequentialWrite(folder, plan.RawBytes, PieceBytes);
        Progress($"raw:          {rate:0} MB/s sequential 1 MiB writes, fsync after each ({rate / 3:0} MB/s for three copies)");
        return rate;
    }

    /// <summary>Unrecorded: every client writes, reads and appends a little (JIT, pools, connections, first leases).</summary>
    private static async Task WarmUpAsync(GfsBenchCluster cluster)
    {
        var piece = new byte[PieceBytes];
        await cluster.Clients[0].CreateDirectoryAsync("/warm");
        await cluster.Clients[0].CreateFileAsync("/warm/log");
        await Task.WhenAll(cluster.Clients.Select(async (client, i) =>
        {
            var path = $"/warm/c{i}";
            await client.CreateFileAsync(path);
            for (var n = 0; n < 2; n++)
            {
                await client.WriteAsync(path, n * (long)PieceBytes, piece);
                await client.ReadAsync(path, 0, piece);
                await client.AppendRecordAsync("/warm/log", piece);
            }
        }));
        await DeleteAndWaitAsync(cluster, "/warm");
    }

    /// <summary>§6.1.2: each client writes its own file sequentially in 1 MiB writes.</summary>
    private static async Task<Phase> WriteAsync(GfsBenchCluster cluster, int clients, long totalBytes)
    {
        var perClient = totalBytes / clients / PieceBytes;
        var directory = $"/w{clients}";
        await cluster.Clients[0].CreateDirectoryAsync(directory);
        for (var i = 0; i < clients; i++)
        {
            await cluster.Clients[i].CreateFileAsync($"{directory}/c{i}");
        }

        var data = Payload();
        return await MeasureAsync(cluster, "write", clients, perClient, (client, i, n) => client.WriteAsync($"{directory}/c{i}", n * (long)PieceBytes, data));
    }

    /// <summary>§6.1.1: each client reads random 1 MiB pieces of the files written by <paramref name="files"/> writers.</summary>
    private static async Task<Phase> ReadAsync(GfsBenchCluster cluster, int clients, int files, long fileBytes, long totalBytes)
    {
        var perClient = totalBytes / clients / PieceBytes;
        var piecesPerFile = fileBytes / PieceBytes;
        var buffers = Enumerable.Range(0, clients).Select(_ => new byte[PieceBytes]).ToArray();
        var random = new Cluster.Core.RandomSource(17);
        var picks = Enumerable.Range(0, clients).Select(_ => Enumerable.Range(0, (int)perClient).Select(_ => (File: random.Next(files), Piece: random.Next((int)piecesPerFile))).ToArray()).ToArray();
        return await MeasureAsync(cluster, "read", clients, perClient, async (client, i, n) =>
        {
            var (file, piece) = picks[i][n];
            var read = await client.ReadAsync($"/w{files}/c{file}", piece * (long)PieceBytes, buffers[i]);
            if (read != PieceBytes)
            {
                throw new InvalidOperationException($"A read of /w{files}/c{file} at piece {piece} returned {read} bytes, not {PieceBytes}.");
            }
        });
    }

    /// <summary>§6.1.3: all clients append 1 MiB records to one file at once.</summary>
    private static async Task<Phase> AppendAsync(GfsBenchCluster cluster, int clients, long totalBytes)
    {
        var perClient = totalBytes / clients / PieceBytes;
        var path = $"/a{clients}";
        await cluster.Clients[0].CreateFileAsync(path);
        var data = Payload();
        return await MeasureAsync(cluster, "record append", clients, perClient, (client, _, _) => client.AppendRecordAsync(path, data));
    }

    /// <summary>Runs <paramref name="perClient"/> operations of 1 MiB on each of <paramref name="clients"/> clients at once.</summary>
    private static async Task<Phase> MeasureAsync(GfsBenchCluster cluster, string name, int clients, long perClient, Func<GfsClient, int, int, Task> operation)
    {
        var latencies = new double[clients][];
        var disk = cluster.Disk.Capture();
        var process = ProcessCounters.Capture();
        var kernel = KernelTime();
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async i =>
        {
            await Task.Yield();
            latencies[i] = new double[perClient];
            for (var n = 0; n < perClient; n++)
            {
                var t0 = Stopwatch.GetTimestamp();
                await operation(cluster.Clients[i], i, n);
                latencies[i][n] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
        }));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var operations = clients * perClient;
        var rate = operations * PieceBytes / Megabyte / elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        var cpu = ProcessCounters.Capture().Since(process, operations, elapsed);
        var details = new Dictionary<string, object>
        {
            ["MBps"] = Math.Round(rate, 1),
            ["MBps_per_client"] = Math.Round(rate / clients, 1),
            ["p50_ms"] = Math.Round(all[all.Length / 2], 2),
            ["p99_ms"] = Math.Round(all[Math.Min(all.Length - 1, all.Length * 99 / 100)], 2),
            ["operations"] = operations,
            ["seconds"] = Math.Round(elapsed.TotalSeconds, 2),
            ["cpu_cores_busy"] = cpu["cpu_cores_busy"],
            ["cpu_us_per_op"] = cpu["cpu_us_per_command"],
            ["cpu_kernel_fraction"] = Math.Round(KernelFraction(process, kernel), 2),
            ["allocated_bytes_per_op"] = cpu["allocated_bytes_per_command"],
            ["gc_gen2_in_window"] = cpu["gc_gen2_in_window"],
            ["gc_pause_fraction"] = cpu["gc_pause_fraction"],
            ["chunkserver_disk"] = cluster.Disk.Capture().Since(disk, operations, elapsed),
        };
        Progress($"{name,-13} {clients,2} clients: {rate,6:0.0} MB/s, p50 {details["p50_ms"]} ms, p99 {details["p99_ms"]} ms, cpu {details["cpu_cores_busy"]} cores ({details["cpu_kernel_fraction"]} kernel), gc2 {details["gc_gen2_in_window"]}, {elapsed.TotalSeconds:0.0} s");
        return new Phase(rate, details);
    }

    /// <summary>The share of the process's CPU time since <paramref name="start"/> spent in the kernel (TCP, page cache, fsync).</summary>
    private static double KernelFraction(ProcessCounters start, TimeSpan kernelAtStart)
    {
        using var process = Process.GetCurrentProcess();
        var total = process.TotalProcessorTime - start.Cpu;
        return total <= TimeSpan.Zero ? 0 : Math.Min(1, (process.PrivilegedProcessorTime - kernelAtStart) / total);
    }

    private static TimeSpan KernelTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.PrivilegedProcessorTime;
    }

    private static byte[] Payload()
    {
        var data = new byte[PieceBytes];
        new Cluster.Core.RandomSource(5).NextBytes(data);
        return data;
    }

    private static string Key(int clients) => clients.ToString(CultureInfo.InvariantCulture);

    private static void Progress(string line) => Console.Error.WriteLine(line);

    private sealed record Phase(double MegabytesPerSecond, Dictionary<string, object> Details);

    /// <summary>
    /// What each phase moves. A raw round writes as many bytes as a write phase puts on the disk (three copies), since the
    /// disk absorbs a short burst far faster than it sustains writing (the round after a write phase shows it).
    /// </summary>
    private sealed record Plan(int[] ClientCounts, long ChunkSize, long WriteBytes, long ReadBytes, long AppendBytes, long RawBytes)
    {
        public static Plan Quick { get; } = new([1, 4, 16], 16L << 20, 320L << 20, 512L << 20, 192L << 20, 3 * (320L << 20));

        public static Plan Full { get; } = new([1, 2, 4, 8, 16], 64L << 20, 512L << 20, 1L << 30, 512L << 20, 3 * (512L << 20));
    }
}
