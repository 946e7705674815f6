using System.Diagnostics;
using System.Net;
using Cluster.Core;
using Microsoft.Extensions.Logging;
using Raft.Core;

namespace QuickStart;

/// <summary>
/// The Raft.Core step of the tour: a plain dictionary of counters replicated on three nodes over loopback TCP with durable logs
/// in a temporary folder; writes from 64 concurrent callers, the leader killed and restarted, nothing acknowledged lost.
/// </summary>
internal static class RaftTour
{
    private static readonly MessageCodec Codec = new(RaftMessageTypes.CreateRegistry());
    private static readonly byte[] Secret = "quickstart raft secret"u8.ToArray();
    private static readonly NodeId[] Members = [new(1), new(2), new(3)];

    public static async Task<bool> RunAsync(ILoggerFactory loggerFactory)
    {
        Console.WriteLine("== Raft.Core: a dictionary of counters replicated on three nodes (durable logs, client sessions)");
        var folder = Directory.CreateTempSubdirectory("quickstart-raft-");
        var replicas = new Replica?[3];
        TcpTransport? clientTransport = null;
        RaftClient? client = null;
        try
        {
            clientTransport = CreateTransport(new NodeAddress(new NodeId(100), IPAddress.Loopback.ToString(), 0), loggerFactory);
            await clientTransport.StartAsync();
            for (var i = 0; i < 3; i++)
            {
                replicas[i] = await Replica.StartAsync(new NodeAddress(Members[i], IPAddress.Loopback.ToString(), 0), Path.Combine(folder.FullName, $"n{i + 1}"), loggerFactory);
            }

            var addresses = replicas.Select(r => r!.Transport.BoundAddress).ToArray();
            Connect(replicas, addresses, clientTransport);
            client = new RaftClient(new MessageBus(clientTransport, TimeProvider.System, loggerFactory: loggerFactory), Members, TimeProvider.System,
                new RaftClientOptions { RequestTimeout = TimeSpan.FromSeconds(1), OperationTimeout = TimeSpan.FromSeconds(20) });

            // The first command waits for the election and opens the client's session.
            await client.ExecuteAsync<string, long>("warm-up");
            const int Writes = 2_000;
            var started = Stopwatch.GetTimestamp();
            await Parallel.ForAsync(0, Writes, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
                await client.ExecuteAsync<string, long>($"counter{i % 4}"));
            var elapsed = Stopwatch.GetElapsedTime(started);
            Console.WriteLine($"   {Writes} increments from 64 concurrent callers in {elapsed.TotalMilliseconds:0} ms ({Writes / elapsed.TotalSeconds:0}/s, every batch fsynced on every node)");

            var leader = Array.FindIndex(replicas, r => r!.Node.Status.IsLeader);
            Console.WriteLine($"   stopping the leader, {Members[leader]}");
            await replicas[leader]!.DisposeAsync();
            replicas[leader] = null;
            for (var i = 0; i < 100; i++)
            {
                await client.ExecuteAsync<string, long>("counter0");
            }

            Console.WriteLine("   100 more increments went through the two remaining nodes");
            replicas[leader] = await Replica.StartAsync(addresses[leader], Path.Combine(folder.FullName, $"n{leader + 1}"), loggerFactory);
            Connect(replicas, addresses, clientTransport);

            // A linearizable read on the restarted node waits until it has caught up from its log and the leader.
            long total = -1;
            for (var attempt = 0; attempt < 100 && total < 0; attempt++)
            {
                try
                {
                    total = 0;
                    for (var c = 0; c < 4; c++)
                    {
                        total += await replicas[leader]!.Node.QueryAsync<string, long>($"counter{c}");
                    }
                }
                catch (Exception exception) when (exception is NotLeaderException or TimeoutException)
                {
                    total = -1;
                    await Task.Delay(100);
                }
            }

            var ok = total == Writes + 100;
            Console.WriteLine($"   {Members[leader]} restarted from its files and reads a total of {total} ({(ok ? "nothing lost" : "MISMATCH")})");
            return ok;
        }
        finally
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }

            foreach (var replica in replicas)
            {
                if (replica is not null)
                {
                    await replica.DisposeAsync();
                }
            }

            if (clientTransport is not null)
            {
                await clientTransport.DisposeAsync();
            }

            folder.Delete(recursive: true);
        }
    }

    private static void Connect(Replica?[] replicas, NodeAddress[] addresses, TcpTransport client)
    {
        foreach (var replica in replicas.Where(r => r is not null))
        {
            foreach (var address in addresses.Where(a => a.Id != replica!.Transport.LocalNode))
            {
                replica!.Transport.AddOrUpdatePeer(address);
            }

            replica!.Transport.AddOrUpdatePeer(client.BoundAddress);
        }

        foreach (var address in addresses)
        {
            client.AddOrUpdatePeer(address);
        }
    }

    private static TcpTransport CreateTransport(NodeAddress address, ILoggerFactory loggerFactory) => new(
        new TcpTransportOptions { LocalAddress = address, ClusterId = "quickstart-raft", Codec = Codec, ClusterSecret = Secret },
        TimeProvider.System,
        RandomSource.FromEntropy(),
        loggerFactory);

    private sealed class Replica : IAsyncDisposable
    {
        private Replica(TcpTransport transport, MessageBus bus, RaftNode node, ILogStore log, ISnapshotStore snapshots)
        {
            Transport = transport;
            Bus = bus;
            Node = node;
            Log = log;
            Snapshots = snapshots;
        }

        public TcpTransport Transport { get; }

        public MessageBus Bus { get; }

        public RaftNode Node { get; }

        private ILogStore Log { get; }

        private ISnapshotStore Snapshots { get; }

        public static async Task<Replica> StartAsync(NodeAddress address, string folder, ILoggerFactory loggerFactory)
        {
            var transport = CreateTransport(address, loggerFactory);
            var bus = new MessageBus(transport, TimeProvider.System, loggerFactory: loggerFactory);
            var storage = new DiskFileStorage(folder);
            var log = await SegmentedLogStore.OpenAsync(storage);
            var snapshots = await FileSnapshotStore.OpenAsync(storage);

            // The whole replication of an ordinary dictionary: an adapter around it, and a node.
            var counters = new MessagePackStateMachine<Dictionary<string, long>, string, string, long>(
                new Dictionary<string, long>(StringComparer.Ordinal),
                apply: (state, key) => state[key] = state.GetValueOrDefault(key) + 1,
                query: (state, key) => state.GetValueOrDefault(key));
            var node = await RaftNode.StartAsync(
                new RaftNodeOptions { NodeId = address.Id, InitialMembers = Members, SnapshotThresholdEntries = 500 },
                counters, log, snapshots, bus, TimeProvider.System, RandomSource.FromEntropy(), loggerFactory);
            await transport.StartAsync();
            return new Replica(transport, bus, node, log, snapshots);
        }

        public async ValueTask DisposeAsync()
        {
            await Node.DisposeAsync();
            await Bus.DisposeAsync();
            await Transport.DisposeAsync();
            await Log.DisposeAsync();
            await Snapshots.DisposeAsync();
        }
    }
}
