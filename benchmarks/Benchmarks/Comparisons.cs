namespace Benchmarks;

/// <summary>The registry of side-by-side comparisons run by <c>compare NAME</c>.</summary>
public static class Comparisons
{
    private static readonly SortedDictionary<string, (string Description, Func<bool, Task<ComparisonResult>> Run)> All = new(StringComparer.Ordinal)
    {
        ["etcd"] = ("Chubby cell vs etcd 3.4 (Debian etcd-server), 3 replicas each, fsync, 64 clients: lock acquire+release pairs/s and 100 B writes/s (ratio: the lower), idle sessions within one core", Etcd.EtcdComparison.RunAsync),
        ["disk"] = ("GFS (3 replicas, 1 MiB writes, 1-16 clients) vs raw sequential fsynced writes of the same disk / 3 (MB/s; reads and record appends in details)", Gfs.DiskComparison.RunAsync),
        ["file-per-blob"] = ("Haystack volume vs one file per blob on the same disk (random reads/s)", Haystack.FilePerBlobComparison.RunAsync),
        ["transport"] = ("our TCP transport vs raw Socket send/receive over loopback (MB/s at 64 KiB)", Transport.TransportComparison.RunAsync),
        ["raft"] = ("RaftNode vs DotNext.Net.Cluster 6.12 RaftCluster, 3 nodes over loopback TCP, 64 proposers, 128 B, fsync (committed commands/s)", Raft.RaftComparison.RunAsync),
        ["sim-speed"] = ("Virtual seconds simulated per wall second: 5 nodes, 1,000 messages/s (500 requests/s over MessageBus), nemesis on", Simulation.SimSpeedComparison.RunAsync),
    };

    /// <summary>Runs <c>compare NAME [--quick]</c> or <c>compare list</c>; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] == "list")
        {
            foreach (var (name, entry) in All)
            {
                Console.WriteLine($"{name,-16} {entry.Description}");
            }

            Console.WriteLine($"{"svgo",-16} MicroSvg vs SVGO (installed with npm) over an icon, flag and emoji corpus (MB/s, sizes, pixel changes)");

            return args.Length == 0 ? 2 : 0;
        }

        if (args[0] == "svgo")
        {
            // SVGO's comparison installs its peer with npm and prints its own JSON line.
            return await Svg.SvgoComparison.RunAsync(args[1..]);
        }

        if (!All.TryGetValue(args[0], out var comparison))
        {
            await Console.Error.WriteLineAsync($"Unknown comparison '{args[0]}'. Run 'compare list' for the names.");
            return 2;
        }

        var quick = args.Skip(1).Contains("--quick", StringComparer.Ordinal);
        var result = await comparison.Run(quick);
        Console.WriteLine(result.ToJson());
        return 0;
    }
}
