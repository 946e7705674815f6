using System.Globalization;
using Chubby;
using Cluster.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Raft.Core;

namespace Benchmarks.Etcd;

/// <summary>
/// <c>chubby-replica SELF FOLDER REPLICAS CLIENTS</c>: one replica of our cell in a process of its own, as each etcd member is,
/// so that the master's CPU can be read per process on both sides. Defaults everywhere (12 s leases, 100 ms Raft ticks,
/// snapshots every 10,000 entries); the log is a <see cref="SegmentedLogStore"/> on <see cref="DiskFileStorage"/>, which fsyncs
/// before anything is acknowledged. Runs until it is killed.
/// </summary>
internal static class ChubbyReplicaHost
{
    /// <summary>The name of the hidden mode in <c>Program.cs</c>.</summary>
    public const string Mode = "chubby-replica";

    /// <summary>The transports' cluster id (the handshake checks it).</summary>
    public const string ClusterId = "chubby-etcd-bench";

    /// <summary>Command-line arguments that start a replica (after the program and the mode).</summary>
    public static string[] Arguments(NodeAddress self, string folder, IEnumerable<NodeAddress> replicas, IEnumerable<NodeAddress> clients) =>
        [Mode, self.ToString(), folder, string.Join(',', replicas), string.Join(',', clients)];

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 4)
        {
            await Console.Error.WriteLineAsync($"usage: {Mode} SELF FOLDER REPLICAS CLIENTS (addresses as n1@127.0.0.1:port, comma-separated)");
            return 2;
        }

        var self = NodeAddress.Parse(args[0]);
        var folder = args[1];
        var replicas = args[2].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(NodeAddress.Parse).ToArray();
        var clients = args[3].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(NodeAddress.Parse).ToArray();
        if (self.Host != "127.0.0.1" || replicas.Concat(clients).Any(a => a.Host != "127.0.0.1"))
        {
            await Console.Error.WriteLineAsync("Every address must be on 127.0.0.1.");
            return 2;
        }

        var transport = new TcpTransport(
            new TcpTransportOptions
            {
                LocalAddress = self,
                ClusterId = ClusterId,
                Codec = new MessageCodec(ChubbyMessageTypes.CreateRegistry()),
                Peers = [.. replicas.Where(r => r.Id != self.Id), .. clients],
            },
            TimeProvider.System,
            RandomSource.FromEntropy(),
            NullLoggerFactory.Instance);
        var bus = new MessageBus(transport, TimeProvider.System);
        await transport.StartAsync();
        var log = await SegmentedLogStore.OpenAsync(new DiskFileStorage(Path.Combine(folder, "log")));
        var snapshots = await FileSnapshotStore.OpenAsync(new DiskFileStorage(Path.Combine(folder, "snapshots")));
        var server = await ChubbyServer.StartAsync(
            new ChubbyServerOptions(),
            new RaftNodeOptions { NodeId = self.Id, InitialMembers = [.. replicas.Select(r => r.Id)] },
            log,
            snapshots,
            bus,
            TimeProvider.System,
            RandomSource.FromEntropy());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{self} serving, log in {folder}"));

        // The parent kills this process when it is done; nothing here needs an orderly stop (the folder is deleted).
        await Task.Delay(Timeout.Infinite);
        GC.KeepAlive(server);
        return 0;
    }
}
