using System.Diagnostics;
using System.Globalization;

namespace Benchmarks.Etcd;

/// <summary>
/// <c>compare etcd</c>: our Chubby cell against etcd 3.4 (Debian's <c>etcd-server</c>), three replicas each, each replica a
/// process of its own on 127.0.0.1 with its log on the disk and fsync on, driven from this process in alternating runs.
/// </summary>
/// <remarks>
/// <para>
/// Two rates with 64 concurrent clients, each client on its own lock and its own file (so nothing is contended and both sides
/// do the same logged changes): lock acquire+release pairs per second, and 100-byte writes per second. <c>ratio</c> is the lower
/// of the two ours/peer ratios, and <c>ours</c>/<c>peer</c> are that workload's rates.
/// </para>
/// <para>
/// Then idle sessions: sessions are added in steps, each kept alive by its client with the system's default settings, and the
/// master's (leader's) process CPU per wall second is read over a window at each step. The count a cell holds within one core is
/// the largest measured step under one core or, when every step stays under it, a straight-line projection from the steps,
/// capped by the cell's session limit; both the steps and the projection are in the details.
/// </para>
/// <para>
/// The peer runs on its defaults (100 ms heartbeat, 1 s election timeout, WAL fsync before acknowledging, as ours). Its clients
/// use gRPC with the generated clients of the <c>dotnet-etcd</c> package, connected to the leader as ours are to the master.
/// </para>
/// </remarks>
public static class EtcdComparison
{
    private const int Clients = 64;
    private const int Connections = 8;
    private const int PayloadBytes = 100;
    private const double Target = 2.0;
    private const string FolderPrefix = "etcd-compare-";

    private static readonly long Started = Stopwatch.GetTimestamp();

    /// <summary>The cell's session limit (<see cref="global::Chubby.ChubbyServerOptions.DefaultMaxSessions"/>).</summary>
    private const int OursSessionCap = global::Chubby.ChubbyServerOptions.DefaultMaxSessions;

    public static async Task<ComparisonResult> RunAsync(bool quick)
    {
        var plan = quick ? Plan.Quick : Plan.Full;
        var begun = Stopwatch.GetTimestamp();
        var root = Path.Combine(Path.GetTempPath(), FolderPrefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        DeleteLeftovers();
        Directory.CreateDirectory(root);

        // Ctrl+C and SIGTERM end the process without running finally blocks: stop the servers and delete the folder there too.
        void Cleanup()
        {
            ServerProcess.StopAll();
            DeleteFolder(root);
        }

        ConsoleCancelEventHandler onCancel = (_, _) => Cleanup();
        EventHandler onExit = (_, _) => Cleanup();
        Console.CancelKeyPress += onCancel;
        AppDomain.CurrentDomain.ProcessExit += onExit;
        IServiceSide? ours = null;
        IServiceSide? peer = null;
        try
        {
            var details = new Dictionary<string, object>();
            var payload = Enumerable.Range(0, PayloadBytes).Select(i => (byte)('a' + (i % 26))).ToArray();

            var (etcd, etcdSource) = await EtcdCell.FindOrInstallAsync(root);
            Progress($"etcd: {etcd ?? "unavailable"} ({etcdSource})");

            var started = Stopwatch.GetTimestamp();
            ours = new ChubbySide(await ChubbyCell.StartAsync(Path.Combine(root, "ours"), Connections), payload);
            await ours.PrepareClientsAsync(Clients);
            Progress($"ours: cell up, {Clients} sessions with their files open after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s; master {ours.Leader.Name}");

            string? unavailable = etcd is null ? etcdSource : null;
            if (etcd is not null)
            {
                try
                {
                    started = Stopwatch.GetTimestamp();
                    var cell = await EtcdCell.StartAsync(etcd, Path.Combine(root, "etcd"));
                    peer = new EtcdSide(cell, payload, Connections);
                    await peer.PrepareClientsAsync(Clients);
                    details["etcd_version"] = cell.Version;
                    Progress($"peer: {cell.Version}, leader {cell.Leader.Name} after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
                }
                catch (Exception exception) when (exception is InvalidOperationException or OperationCanceledException or Grpc.Core.RpcException or IOException or TimeoutException)
                {
                    // EtcdCell stops the members it started when it fails; our cell goes on alone.
                    unavailable = $"etcd did not start or answer: {exception.Message}";
                    Progress(unavailable);
                    peer = null;
                }
            }

            var sides = peer is null ? new[] { ours } : [ours, peer];
            var workloads = new (string Name, Func<IServiceSide, Func<int, CancellationToken, Task>> Operation)[]
            {
                ("lock_pairs", side => side.LockPairAsync),
                ("small_writes", side => side.WriteAsync),
            };

            // Warm up (JIT tiers, connection pools, etcd's and our logs' first segments) with one unrecorded short run of each.
            foreach (var (name, operation) in workloads)
            {
                foreach (var side in sides)
                {
                    await ClosedLoop.RunAsync(Clients, operation(side), plan.Warmup, plan.Warmup);
                }
            }

            var runs = workloads.ToDictionary(w => w.Name, _ => sides.ToDictionary(s => s.Side, _ => new List<Measurement>()));
            for (var round = 0; round < plan.Rounds; round++)
            {
                foreach (var (name, operation) in workloads)
                {
                    foreach (var side in round % 2 == 0 ? sides : sides.Reverse())
                    {
                        var measurement = await MeasureAsync(side, operation(side), plan);
                        runs[name][side.Side].Add(measurement);
                        Progress($"{side.Side,-4} {name,-12} round {round + 1}: {measurement.Result.PerSecond,8:0} ops/s, p50 {measurement.Result.P50Milliseconds:0.00} ms, " +
                                 $"p99 {measurement.Result.P99Milliseconds:0.00} ms, errors {measurement.Result.Errors}, leader {measurement.LeaderCores:0.00} cores, " +
                                 $"followers {measurement.FollowerCores:0.00}, client {measurement.ClientCores:0.00}");
                        if (measurement.Result.FirstError is { } error)
                        {
                            Progress($"     first error: {error}");
                        }
                    }
                }
            }

            if (!quick && peer is EtcdSide leaderOnly)
            {
                details["peer_clients_on_all_members"] = await AllMembersAsync(leaderOnly, payload, workloads, plan);
            }

            foreach (var (name, bySide) in runs)
            {
                var entry = new Dictionary<string, object>();
                foreach (var (side, measurements) in bySide)
                {
                    entry[side] = Summary(measurements);
                }

                entry["ratio"] = peer is null ? 0 : Ratio(bySide["ours"], bySide["peer"]);
                details[name] = entry;
            }

            details["ours_workloads"] = ours.Workloads;
            details["ours_idle_sessions"] = ours.IdleSessionSettings;
            if (peer is not null)
            {
                details["peer_workloads"] = peer.Workloads;
                details["peer_idle_sessions"] = peer.IdleSessionSettings;
            }

            // Idle sessions: ours first; then our cell is stopped so that it does not share the cores with the peer's steps.
            var idle = new Dictionary<string, object>();
            idle["ours"] = await IdleSessionsAsync(ours, plan.IdleSteps, plan.OursIdleWindow, OursSessionCap);
            var stopping = Stopwatch.GetTimestamp();
            await ours.DisposeAsync();
            ours = null;
            Progress($"ours: cell and clients stopped in {Stopwatch.GetElapsedTime(stopping).TotalSeconds:0.0} s");
            if (peer is not null)
            {
                var peerIdle = await IdleSessionsAsync(peer, plan.IdleSteps, plan.PeerIdleWindow, cap: null);
                var keepAlives = ((EtcdSide)peer).KeepAlives;
                peerIdle["keepalive_requests_sent"] = keepAlives.Sent;
                peerIdle["keepalive_answers"] = keepAlives.Answered;
                peerIdle["keepalive_answers_for_expired_leases"] = keepAlives.Lost;
                idle["peer"] = peerIdle;
            }
            else
            {
                idle["peer"] = "not measured: " + unavailable;
            }

            idle["method"] = "sessions added in steps; at each step the master's (leader's) process CPU time per wall second over the window; " +
                             "within one core = the largest step under 1.0 core, or a least-squares straight-line projection from (0 sessions, idle CPU) and the steps when every step is under it";
            details["idle_sessions"] = idle;
            details["idle_sessions_within_one_core"] = new Dictionary<string, object>
            {
                ["ours"] = ((Dictionary<string, object>)idle["ours"])["within_one_core"],
                ["peer"] = idle["peer"] is Dictionary<string, object> p ? p["within_one_core"] : "not measured",
                ["ours_leader_cpu_us_per_session_second"] = ((Dictionary<string, object>)idle["ours"])["leader_cpu_us_per_session_second"],
                ["peer_leader_cpu_us_per_session_second"] = idle["peer"] is Dictionary<string, object> q ? q["leader_cpu_us_per_session_second"] : "not measured",
            };

            var lockRatio = peer is null ? 0 : Ratio(runs["lock_pairs"]["ours"], runs["lock_pairs"]["peer"]);
            var writeRatio = peer is null ? 0 : Ratio(runs["small_writes"]["ours"], runs["small_writes"]["peer"]);
            var headline = lockRatio <= writeRatio ? "lock_pairs" : "small_writes";
            var oursHeadline = Median(runs[headline]["ours"].Select(m => m.Result.PerSecond));
            var peerHeadline = peer is null ? 0 : Median(runs[headline]["peer"].Select(m => m.Result.PerSecond));
            details["headline"] = $"{headline} (the workload with the lower ours/peer ratio; ratio = min(lock_pairs {lockRatio}, small_writes {writeRatio}))";
            details["target"] = Target;
            details["meets_target"] = peer is not null && Math.Min(lockRatio, writeRatio) >= Target;
            if (unavailable is not null)
            {
                details["unavailable"] = $"the peer was not measured: {unavailable}";
            }

            details["etcd_binary"] = $"{etcd ?? "none"} ({etcdSource})";
            details["ours_settings"] = ChubbyCell.Settings(Connections);
            details["peer_settings"] = EtcdCell.Settings(Connections);
            details["clients"] = Clients;
            details["connections_per_side"] = Connections;
            details["payload_bytes"] = PayloadBytes;
            details["warmup_s"] = plan.Warmup.TotalSeconds;
            details["window_s"] = plan.Window.TotalSeconds;
            details["rounds"] = plan.Rounds;
            details["processes"] = "each replica/member its own process; the clients of both sides in the benchmark process; cores busy are per process CPU time / wall time over the window";
            details["processors"] = Environment.ProcessorCount;
            details["temp_folder"] = root;
            Progress($"etcd comparison done in {Stopwatch.GetElapsedTime(begun).TotalSeconds:0} s");
            return ComparisonResult.HigherIsBetter("etcd", $"ops/s ({headline})", oursHeadline, peerHeadline, details);
        }
        finally
        {
            if (ours is not null)
            {
                await ours.DisposeAsync();
            }

            if (peer is not null)
            {
                await peer.DisposeAsync();
            }

            ServerProcess.StopAll();
            DeleteFolder(root);
            Console.CancelKeyPress -= onCancel;
            AppDomain.CurrentDomain.ProcessExit -= onExit;
        }
    }

    /// <summary>
    /// Diagnostic (full run only): the peer's workloads once more with the clients' connections spread over the three members, as
    /// clientv3's balancer spreads them, instead of all going to the leader; followers then forward each proposal to the leader.
    /// </summary>
    private static async Task<Dictionary<string, object>> AllMembersAsync(
        EtcdSide leaderOnly,
        byte[] payload,
        (string Name, Func<IServiceSide, Func<int, CancellationToken, Task>> Operation)[] workloads,
        Plan plan)
    {
        var result = new Dictionary<string, object>
        {
            ["note"] = "not part of the ratio: the same workloads with the 8 connections spread over the three members instead of all to the leader",
        };
        await using var spread = new EtcdSide(leaderOnly.Cell, payload, Connections, spreadOverMembers: true, ownsCell: false);
        await spread.PrepareClientsAsync(Clients);
        foreach (var (name, operation) in workloads)
        {
            await ClosedLoop.RunAsync(Clients, operation(spread), plan.Warmup, plan.Warmup);
            var measurement = await MeasureAsync(spread, operation(spread), plan);
            Progress($"peer {name,-12} clients on all members: {measurement.Result.PerSecond,8:0} ops/s, p50 {measurement.Result.P50Milliseconds:0.00} ms, " +
                     $"leader {measurement.LeaderCores:0.00} cores, followers {measurement.FollowerCores:0.00}");
            result[name] = Summary([measurement]);
        }

        return result;
    }

    private static async Task<Measurement> MeasureAsync(IServiceSide side, Func<int, CancellationToken, Task> operation, Plan plan)
    {
        CollectGarbage();
        var leader = side.Leader;
        Cpu opened = default;
        Cpu closed = default;
        var result = await ClosedLoop.RunAsync(Clients, operation, plan.Warmup, plan.Window, opening =>
        {
            if (opening)
            {
                opened = Cpu.Capture(side, leader);
            }
            else
            {
                closed = Cpu.Capture(side, leader);
            }
        });
        var wall = closed.Wall - opened.Wall;
        return new Measurement(
            result,
            (closed.Leader - opened.Leader) / wall,
            (closed.Followers - opened.Followers) / wall,
            (closed.Client - opened.Client) / wall);
    }

    /// <summary>Adds sessions step by step and reads the master's CPU over a window at each step.</summary>
    private static async Task<Dictionary<string, object>> IdleSessionsAsync(IServiceSide side, int[] steps, TimeSpan window, int? cap)
    {
        var points = new List<(int Sessions, double Cores)>();
        var rows = new List<Dictionary<string, object>>();

        // The idle cost first: only the 64 throughput clients, doing nothing.
        var baseline = await ReadCoresAsync(side, TimeSpan.FromSeconds(5));
        points.Add((0, baseline.Leader));
        rows.Add(Row(0, baseline, side.Leader.ResidentMegabytes(), TimeSpan.Zero));
        Progress($"{side.Side,-4} idle: {Clients} working clients at rest, leader {baseline.Leader:0.000} cores");
        foreach (var step in steps)
        {
            var growing = Stopwatch.GetTimestamp();
            await side.GrowIdleSessionsAsync(step);
            var grown = Stopwatch.GetElapsedTime(growing);
            CollectGarbage();
            var read = await ReadCoresAsync(side, window);
            points.Add((step, read.Leader));
            var row = Row(step, read, side.Leader.ResidentMegabytes(), grown);
            row["sessions_lost"] = side.LostIdleSessions;
            rows.Add(row);
            Progress($"{side.Side,-4} idle: {step,7} sessions (added in {grown.TotalSeconds:0.0} s): leader {read.Leader:0.000} cores, followers {read.Followers:0.000}, " +
                     $"client process {read.Client:0.00}, leader RSS {side.Leader.ResidentMegabytes():0} MiB, sessions lost {row["sessions_lost"]}");
        }

        var (withinOneCore, how) = WithinOneCore(points, cap);
        var (slope, intercept) = Fit(points);
        Progress($"{side.Side,-4} idle: within one core: {withinOneCore:0} sessions ({how})");
        return new Dictionary<string, object>
        {
            ["within_one_core"] = Math.Round(withinOneCore),
            ["within_one_core_how"] = how,
            ["leader_cpu_us_per_session_second"] = Math.Round(slope * 1e6, 3),
            ["line_reaches_one_core_at"] = slope > 0 ? Math.Round((1.0 - intercept) / slope) : double.PositiveInfinity,
            ["steps"] = rows,
            ["window_s"] = window.TotalSeconds,
            ["settings"] = side.IdleSessionSettings,
        };

        static Dictionary<string, object> Row(int sessions, (double Leader, double Followers, double Client) read, double rss, TimeSpan grown) => new()
        {
            ["sessions"] = sessions,
            ["leader_cores"] = Math.Round(read.Leader, 4),
            ["followers_cores"] = Math.Round(read.Followers, 4),
            ["client_process_cores"] = Math.Round(read.Client, 3),
            ["leader_rss_mib"] = rss,
            ["seconds_to_add"] = Math.Round(grown.TotalSeconds, 1),
        };
    }

    private static async Task<(double Leader, double Followers, double Client)> ReadCoresAsync(IServiceSide side, TimeSpan window)
    {
        var leader = side.Leader;
        var opened = Cpu.Capture(side, leader);
        await Task.Delay(window);
        var closed = Cpu.Capture(side, leader);
        var wall = closed.Wall - opened.Wall;
        return ((closed.Leader - opened.Leader) / wall, (closed.Followers - opened.Followers) / wall, (closed.Client - opened.Client) / wall);
    }

    /// <summary>The largest measured step under one core, or the straight-line projection through the points when all are under it.</summary>
    private static (double Sessions, string How) WithinOneCore(List<(int Sessions, double Cores)> points, int? cap)
    {
        var over = points.FirstOrDefault(p => p.Cores > 1.0);
        if (over.Sessions > 0)
        {
            var under = points.Where(p => p.Cores <= 1.0).Select(p => p.Sessions).DefaultIfEmpty(0).Max();
            return (under, $"measured: {over.Sessions} sessions took {over.Cores:0.00} cores");
        }

        var (slope, intercept) = Fit(points);
        var largest = points.Max(p => p.Sessions);
        if (points.Count < 2 || slope <= 0)
        {
            return (cap ?? largest, $"no growth of CPU with sessions measured up to {largest}; reported {(cap is null ? "the largest step" : "the cell's session limit")}");
        }

        var projected = (1.0 - intercept) / slope;
        var how = string.Create(CultureInfo.InvariantCulture, $"projected: every step up to {largest} sessions stayed under one core; line {intercept:0.0000} + {slope * 1000:0.000000} cores per 1,000 sessions");
        if (cap is { } limit && projected > limit)
        {
            return (limit, how + string.Create(CultureInfo.InvariantCulture, $"; that line reaches one core at {projected:0} sessions, but a cell with default options refuses sessions past ChubbyServerOptions.MaxSessions ({limit}), so the limit is the cap, not the CPU"));
        }

        return (projected, how + string.Create(CultureInfo.InvariantCulture, $"; that line reaches one core at {projected:0} sessions"));
    }

    /// <summary>Least-squares line through the points: cores = intercept + slope × sessions.</summary>
    private static (double Slope, double Intercept) Fit(List<(int Sessions, double Cores)> points)
    {
        var meanX = points.Average(p => (double)p.Sessions);
        var meanY = points.Average(p => p.Cores);
        var slope = points.Sum(p => (p.Sessions - meanX) * (p.Cores - meanY)) / Math.Max(1e-12, points.Sum(p => (p.Sessions - meanX) * (p.Sessions - meanX)));
        return (slope, meanY - (slope * meanX));
    }

    private static Dictionary<string, object> Summary(List<Measurement> runs)
    {
        var perSecond = Median(runs.Select(m => m.Result.PerSecond));
        var summary = new Dictionary<string, object>
        {
            ["ops_per_s"] = Math.Round(perSecond),
            ["p50_ms"] = Math.Round(Median(runs.Select(m => m.Result.P50Milliseconds)), 3),
            ["p99_ms"] = Math.Round(Median(runs.Select(m => m.Result.P99Milliseconds)), 3),
            ["rounds_ops_per_s"] = runs.Select(m => Math.Round(m.Result.PerSecond)).ToArray(),
            ["errors"] = runs.Sum(m => m.Result.Errors),
            ["leader_cores"] = Math.Round(Median(runs.Select(m => m.LeaderCores)), 2),
            ["followers_cores"] = Math.Round(Median(runs.Select(m => m.FollowerCores)), 2),
            ["client_process_cores"] = Math.Round(Median(runs.Select(m => m.ClientCores)), 2),
            ["leader_cpu_us_per_op"] = Math.Round(Median(runs.Select(m => m.LeaderCores * 1e6 / Math.Max(1, m.Result.PerSecond))), 1),
        };
        if (runs.Select(m => m.Result.FirstError).FirstOrDefault(e => e is not null) is { } error)
        {
            summary["first_error"] = error;
        }

        return summary;
    }

    private static double Ratio(List<Measurement> ours, List<Measurement> peer)
    {
        var p = Median(peer.Select(m => m.Result.PerSecond));
        return p > 0 ? Math.Round(Median(ours.Select(m => m.Result.PerSecond)) / p, 3) : 0;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void CollectGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static void DeleteFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException exception)
        {
            Progress($"could not delete {folder}: {exception.Message}");
        }
    }

    /// <summary>Deletes the folders of earlier runs that were killed outright (SIGKILL runs no cleanup; their servers stopped with them).</summary>
    private static void DeleteLeftovers()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            if (int.TryParse(Path.GetFileName(folder)[FolderPrefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}"))
            {
                DeleteFolder(folder);
            }
        }
    }

    private static void Progress(string line) => Console.Error.WriteLine($"[{Stopwatch.GetElapsedTime(Started).TotalSeconds,5:0.0} s] {line}");

    private sealed record Plan(int Rounds, TimeSpan Warmup, TimeSpan Window, int[] IdleSteps, TimeSpan OursIdleWindow, TimeSpan PeerIdleWindow)
    {
        // Our sessions renew once per 10 s (12 s lease, answered 2 s early): a 10 s window sees each session's renewal once.
        // The peer's renewals are spread evenly over their 20 s period, so a shorter window sees the steady rate.
        public static Plan Quick { get; } = new(1, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(2), [10_000], TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5));

        public static Plan Full { get; } = new(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), [10_000, 40_000, 90_000], TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
    }

    private sealed record Measurement(OpsResult Result, double LeaderCores, double FollowerCores, double ClientCores);

    /// <summary>CPU time of the leader, of the other servers, and of this process, with the wall clock.</summary>
    private readonly record struct Cpu(TimeSpan Leader, TimeSpan Followers, TimeSpan Client, TimeSpan Wall)
    {
        public static Cpu Capture(IServiceSide side, ServerProcess leader)
        {
            using var self = Process.GetCurrentProcess();
            return new(
                leader.CpuTime(),
                side.Servers.Where(s => s != leader).Aggregate(TimeSpan.Zero, (sum, s) => sum + s.CpuTime()),
                self.TotalProcessorTime,
                Stopwatch.GetElapsedTime(0));
        }
    }
}
