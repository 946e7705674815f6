using System.Diagnostics;
using System.Globalization;

namespace Benchmarks.Raft;

/// <summary>
/// <c>compare raft</c>: our <see cref="global::Raft.Core.RaftNode"/> against DotNext.Net.Cluster's <c>RaftCluster</c>, both as
/// nodes in this process over loopback TCP, replicating 128 B commands from 64 concurrent proposers, in alternating runs.
/// </summary>
/// <remarks>
/// <para>
/// The headline is committed commands per second with fsync on both sides (logs on the disk); the same without fsync goes in
/// the details, as do p50/p99 latencies, cluster sizes 3/5/7, payloads 128 B/4 KiB/64 KiB, counters from inside our node, and
/// the pure core alone: three <see cref="global::Raft.Core.RaftCore"/>s on one thread with messages passed in memory.
/// </para>
/// <para>
/// "Without fsync" means: DotNext 6.12's write-ahead log always writes synchronously on commit (its flush options are
/// obsolete), so its folders go to tmpfs, where that costs no device flush; our side runs on
/// <see cref="global::Raft.Core.MemoryRaftLog"/>, and also on its durable store in a tmpfs folder, so both kinds are shown.
/// </para>
/// <para>
/// Durability is not identical: our node fsyncs before it acknowledges (every node persists before replying, Raft §5), while
/// DotNext writes entries to its log's memory on append and makes them durable when they commit.
/// </para>
/// </remarks>
public static class RaftComparison
{
    private const int Proposers = 64;
    private const int SmallBytes = 128;

    public static async Task<ComparisonResult> RunAsync(bool quick)
    {
        var plan = quick ? Plan.Quick : Plan.Full;
        var begun = Stopwatch.GetTimestamp();
        var suffix = "raft-compare-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var diskRoot = Path.Combine(Path.GetTempPath(), suffix);
        var tmpfsRoot = Directory.Exists("/dev/shm") ? Path.Combine("/dev/shm", suffix) : Path.Combine(Path.GetTempPath(), suffix + "-tmpfs");
        var runner = new Runner(diskRoot, tmpfsRoot, plan);
        try
        {
            var details = new Dictionary<string, object>();
            details["core_inprocess"] = MeasureCore(plan);
            details["core_inprocess_commands_per_s"] = ((Dictionary<string, object>)details["core_inprocess"])["batch_1024_commands_per_s"];

            // Warm both sides up (JIT tiers, pools, page cache) with one unrecorded run each.
            await runner.OursAsync(3, Storage.Memory, SmallBytes, plan.ScalingWindow);
            await runner.PeerAsync(3, onDisk: false, SmallBytes, plan.ScalingWindow);

            // Headline: fsync on both sides, three nodes, 128 B, alternating which side goes first.
            var oursFsync = new List<Measurement>();
            var peerFsync = new List<Measurement>();
            for (var round = 0; round < plan.HeadlineRounds; round++)
            {
                if (round % 2 == 0)
                {
                    oursFsync.Add(await runner.OursAsync(3, Storage.Disk, SmallBytes, plan.Window));
                    peerFsync.Add(await runner.PeerAsync(3, onDisk: true, SmallBytes, plan.Window));
                }
                else
                {
                    peerFsync.Add(await runner.PeerAsync(3, onDisk: true, SmallBytes, plan.Window));
                    oursFsync.Add(await runner.OursAsync(3, Storage.Disk, SmallBytes, plan.Window));
                }
            }

            // Without fsync: our memory log, our durable store on tmpfs, the peer's log on tmpfs.
            var oursMemory = new List<Measurement>();
            var oursTmpfs = new List<Measurement>();
            var peerTmpfs = new List<Measurement>();
            for (var round = 0; round < plan.NoFsyncRounds; round++)
            {
                var first = round % 2 == 0 ? Storage.Memory : Storage.Tmpfs;
                var (target, other) = round % 2 == 0 ? (oursMemory, oursTmpfs) : (oursTmpfs, oursMemory);
                target.Add(await runner.OursAsync(3, first, SmallBytes, plan.Window));
                peerTmpfs.Add(await runner.PeerAsync(3, onDisk: false, SmallBytes, plan.Window));
                other.Add(await runner.OursAsync(3, first == Storage.Memory ? Storage.Tmpfs : Storage.Memory, SmallBytes, plan.Window));
            }

            // Scaling, with fsync: cluster size at 128 B, payload at three nodes.
            var byNodes = new Dictionary<string, object> { ["3"] = Pair(oursFsync, peerFsync, SmallBytes) };
            foreach (var nodes in new[] { 5, 7 })
            {
                var ours = await runner.OursAsync(nodes, Storage.Disk, SmallBytes, plan.ScalingWindow);
                var peer = await runner.PeerAsync(nodes, onDisk: true, SmallBytes, plan.ScalingWindow);
                byNodes[nodes.ToString(CultureInfo.InvariantCulture)] = Pair([ours], [peer], SmallBytes);
            }

            var byPayload = new Dictionary<string, object> { ["128B"] = Pair(oursFsync, peerFsync, SmallBytes) };
            foreach (var (name, bytes) in new[] { ("4KiB", 4 * 1024), ("64KiB", 64 * 1024) })
            {
                var ours = await runner.OursAsync(3, Storage.Disk, bytes, plan.ScalingWindow);
                var peer = await runner.PeerAsync(3, onDisk: true, bytes, plan.ScalingWindow);
                byPayload[name] = Pair([ours], [peer], bytes);
            }

            if (!quick)
            {
                details["diagnostics"] = await DiagnoseAsync(runner, plan);
            }

            var oursHeadline = Median(oursFsync.Select(m => m.Result.CommandsPerSecond));
            var peerHeadline = Median(peerFsync.Select(m => m.Result.CommandsPerSecond));
            details["fsync_3_nodes_128B"] = Pair(oursFsync, peerFsync, SmallBytes);
            details["nofsync_3_nodes_128B"] = new Dictionary<string, object>
            {
                ["ours_memory_log"] = Summary(oursMemory, SmallBytes),
                ["ours_durable_store_on_tmpfs"] = Summary(oursTmpfs, SmallBytes),
                ["peer_wal_on_tmpfs"] = Summary(peerTmpfs, SmallBytes),
                ["ratio_memory_log"] = Ratio(oursMemory, peerTmpfs),
                ["ratio_durable_store_on_tmpfs"] = Ratio(oursTmpfs, peerTmpfs),
            };
            details["nofsync_ratio"] = Ratio(oursMemory, peerTmpfs);
            details["scaling_nodes_fsync_128B"] = byNodes;
            details["scaling_payload_fsync_3_nodes"] = byPayload;
            details["ours_profile_nofsync_memory_log"] = oursMemory[^1].Profile;
            details["peer_profile_nofsync_tmpfs"] = peerTmpfs[^1].Profile;
            details["ours_settings"] = OursCluster.Settings();
            details["ours_durable_store"] = DurableLog.Description;
            details["peer_settings"] = DotNextCluster.Settings(fsync: true);
            details["peer_nofsync"] = DotNextCluster.Settings(fsync: false)["durability"];
            details["proposers"] = Proposers;
            details["warmup_s"] = plan.Warmup.TotalSeconds;
            details["window_s"] = plan.Window.TotalSeconds;
            details["scaling_window_s"] = plan.ScalingWindow.TotalSeconds;
            details["disk_folder"] = diskRoot;
            details["tmpfs_folder"] = tmpfsRoot;
            details["processors"] = Environment.ProcessorCount;
            Progress($"raft comparison done in {Stopwatch.GetElapsedTime(begun).TotalSeconds:0} s");
            return ComparisonResult.HigherIsBetter("raft", "committed commands/s", oursHeadline, peerHeadline, details);
        }
        finally
        {
            DeleteFolder(diskRoot);
            DeleteFolder(tmpfsRoot);
        }
    }

    /// <summary>
    /// Two diagnostics of our node (full run only): which types its allocations go to without fsync, and an upper bound on what
    /// taking the leader's own fsync off the commit path would gain (the leader skips it; such a cluster is not durable).
    /// </summary>
    private static async Task<Dictionary<string, object>> DiagnoseAsync(Runner runner, Plan plan)
    {
        Measurement sampled;
        string[] top;
        using (var sampler = new AllocationSampler())
        {
            sampled = await runner.OursAsync(3, Storage.Memory, SmallBytes, plan.ScalingWindow, onOpen: _ => sampler.Sampling = true);
            sampler.Sampling = false;
            top = sampler.Top(16);
        }

        var withLeaderSync = await runner.OursAsync(3, Storage.Disk, SmallBytes, plan.Window);
        var withoutLeaderSync = await runner.OursAsync(3, Storage.Disk, SmallBytes, plan.Window, onOpen: cluster => cluster.SkipLeaderSync());
        return new Dictionary<string, object>
        {
            ["allocation_sample_nofsync_memory_log"] = top,
            ["allocation_sample_bytes_per_command"] = sampled.Profile["allocated_bytes_per_command"],
            ["leader_fsync_on_commit_path"] = new Dictionary<string, object>
            {
                ["note"] = "upper bound for sending Appends while the leader persists (Raft thesis 10.2.1): the same fsync run with the leader skipping its own fsyncs; not a durable configuration",
                ["with_leader_fsync"] = Summary([withLeaderSync], SmallBytes),
                ["leader_skips_fsync"] = Summary([withoutLeaderSync], SmallBytes),
                ["gain"] = Ratio([withoutLeaderSync], [withLeaderSync]),
            },
        };
    }

    private static Dictionary<string, object> MeasureCore(Plan plan)
    {
        var command = new byte[SmallBytes];
        var result = new Dictionary<string, object>();
        foreach (var batch in new[] { 1, 64, 1024 })
        {
            var cluster = new InProcessCoreCluster(3);
            var count = batch == 1 ? plan.CoreEntries / 10 : plan.CoreEntries;
            cluster.ProposeAndCommit(Math.Min(count, 20_000), batch, command); // warm-up
            var messages = cluster.MessagesDelivered;
            var readies = cluster.ReadyBatches;
            var started = Stopwatch.GetTimestamp();
            cluster.ProposeAndCommit(count, batch, command);
            var elapsed = Stopwatch.GetElapsedTime(started);
            result[$"batch_{batch}_commands_per_s"] = Math.Round(count / elapsed.TotalSeconds);
            result[$"batch_{batch}_messages_per_command"] = Math.Round((double)(cluster.MessagesDelivered - messages) / count, 3);
            result[$"batch_{batch}_readies_per_command"] = Math.Round((double)(cluster.ReadyBatches - readies) / count, 3);
            Progress($"core in-process, batch {batch}: {count / elapsed.TotalSeconds:0} commands/s");
        }

        result["setup"] = "3 RaftCores on one thread, MemoryRaftLog each, messages passed in memory, 128 B commands, each batch driven to commit on all nodes";
        return result;
    }

    private static Dictionary<string, object> Pair(List<Measurement> ours, List<Measurement> peer, int bytes)
    {
        return new Dictionary<string, object>
        {
            ["ours"] = Summary(ours, bytes),
            ["peer"] = Summary(peer, bytes),
            ["ratio"] = Ratio(ours, peer),
            ["ours_profile"] = ours[^1].Profile,
            ["peer_profile"] = peer[^1].Profile,
        };
    }

    private static Dictionary<string, object> Summary(List<Measurement> runs, int bytes)
    {
        var perSecond = Median(runs.Select(m => m.Result.CommandsPerSecond));
        return new Dictionary<string, object>
        {
            ["commands_per_s"] = Math.Round(perSecond),
            ["MBps"] = Math.Round(perSecond * bytes / (1024 * 1024), 1),
            ["p50_ms"] = Math.Round(Median(runs.Select(m => m.Result.P50Milliseconds)), 3),
            ["p99_ms"] = Math.Round(Median(runs.Select(m => m.Result.P99Milliseconds)), 3),
            ["rounds_commands_per_s"] = runs.Select(m => Math.Round(m.Result.CommandsPerSecond)).ToArray(),
            ["errors"] = runs.Sum(m => m.Result.Errors),
        };
    }

    private static double Ratio(List<Measurement> ours, List<Measurement> peer)
    {
        var p = Median(peer.Select(m => m.Result.CommandsPerSecond));
        return p > 0 ? Math.Round(Median(ours.Select(m => m.Result.CommandsPerSecond)) / p, 3) : 0;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void DeleteFolder(string? folder)
    {
        if (folder is not null && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Progress(string line) => Console.Error.WriteLine(line);

    private enum Storage
    {
        Memory,
        Disk,
        Tmpfs,
    }

    private sealed record Plan(int HeadlineRounds, int NoFsyncRounds, TimeSpan Warmup, TimeSpan Window, TimeSpan ScalingWindow, int CoreEntries)
    {
        public static Plan Quick { get; } = new(2, 1, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(1), 200_000);

        public static Plan Full { get; } = new(4, 2, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3), 2_000_000);
    }

    private sealed record Measurement(LoadResult Result, IReadOnlyDictionary<string, object> Profile);

    /// <summary>Starts a fresh cluster per run in a fresh folder, loads it, stops it.</summary>
    private sealed class Runner(string diskRoot, string tmpfsRoot, Plan plan)
    {
        private int _runs;

        public async Task<Measurement> OursAsync(int nodes, Storage storage, int bytes, TimeSpan window, Action<OursCluster>? onOpen = null)
        {
            var folder = storage switch
            {
                Storage.Disk => NextFolder(diskRoot),
                Storage.Tmpfs => NextFolder(tmpfsRoot),
                _ => null,
            };
            CollectGarbage();
            var started = Stopwatch.GetTimestamp();
            var cluster = await OursCluster.StartAsync(nodes, folder);
            var ready = Stopwatch.GetElapsedTime(started);
            var (result, process) = await LoadAsync(cluster, bytes, window, () =>
            {
                onOpen?.Invoke(cluster);
                cluster.StartWindow();
            });
            var profile = new Dictionary<string, object>(cluster.EndWindow(result.Committed, result.Window));
            foreach (var (key, value) in process)
            {
                profile[key] = value;
            }

            await cluster.DisposeAsync();
            Report("ours", nodes, storage.ToString(), bytes, result, ready, Stopwatch.GetElapsedTime(started));
            DeleteFolder(folder);
            return new Measurement(result, profile);
        }

        public async Task<Measurement> PeerAsync(int nodes, bool onDisk, int bytes, TimeSpan window)
        {
            var folder = NextFolder(onDisk ? diskRoot : tmpfsRoot);
            CollectGarbage();
            var started = Stopwatch.GetTimestamp();
            var cluster = await DotNextCluster.StartAsync(nodes, folder);
            var ready = Stopwatch.GetElapsedTime(started);
            var (result, process) = await LoadAsync(cluster, bytes, window, null);
            await cluster.DisposeAsync();
            Report("peer", nodes, onDisk ? "Disk" : "Tmpfs", bytes, result, ready, Stopwatch.GetElapsedTime(started));
            DeleteFolder(folder);
            return new Measurement(result, process);
        }

        private static void Report(string side, int nodes, string storage, int bytes, LoadResult result, TimeSpan ready, TimeSpan total) =>
            Progress($"{side,-4} {nodes} nodes {storage,-6} {bytes,6} B: {result.CommandsPerSecond,9:0} commands/s, p50 {result.P50Milliseconds:0.00} ms, " +
                     $"p99 {result.P99Milliseconds:0.00} ms, errors {result.Errors} (leader after {ready.TotalSeconds:0.0} s, run {total.TotalSeconds:0.0} s)");

        private async Task<(LoadResult Result, IReadOnlyDictionary<string, object> Process)> LoadAsync(IBenchmarkCluster cluster, int bytes, TimeSpan window, Action? onOpen)
        {
            ProcessCounters opened = default;
            ProcessCounters closed = default;
            var result = await ProposerLoad.RunAsync(cluster, new byte[bytes], Proposers, plan.Warmup, window, opening =>
            {
                if (opening)
                {
                    onOpen?.Invoke();
                    opened = ProcessCounters.Capture();
                }
                else
                {
                    closed = ProcessCounters.Capture();
                }
            });
            return (result, closed.Since(opened, result.Committed, result.Window));
        }

        /// <summary>Collects what earlier runs left (their logs can be hundreds of MB) so no run pays for the one before.</summary>
        private static void CollectGarbage()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }

        private string NextFolder(string root) => Path.Combine(root, "run-" + (++_runs).ToString(CultureInfo.InvariantCulture));
    }
}
