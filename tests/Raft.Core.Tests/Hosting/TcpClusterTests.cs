using System.Net;
using Cluster.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace Raft.Core.Tests.Hosting;

/// <summary>Real TCP and real files: three hosted nodes over loopback with durable stores; one is killed and restarted, nothing is lost.</summary>
[NonParallelizable]
public sealed class TcpClusterTests
{
    private static readonly byte[] Secret = "raft tcp test secret"u8.ToArray();

    [Test]
    public async Task ThreeNodesOverLoopback_KillAndRestartOne_NothingAcknowledgedIsLost()
    {
        var root = Directory.CreateTempSubdirectory("raft-tcp-");
        var codec = new MessageCodec(RaftMessageTypes.CreateRegistry());
        var members = new[] { new NodeId(1), new NodeId(2), new NodeId(3) };
        var nodes = new TcpNode?[3];
        TcpTransport? clientTransport = null;
        RaftClient? client = null;
        try
        {
            clientTransport = await StartTransportAsync(new NodeAddress(new NodeId(100), IPAddress.Loopback.ToString(), 0), codec);
            for (var i = 0; i < 3; i++)
            {
                nodes[i] = await TcpNode.StartAsync(new NodeAddress(members[i], IPAddress.Loopback.ToString(), 0), members, Path.Combine(root.FullName, $"n{i + 1}"), codec);
            }

            var addresses = nodes.Select(n => n!.Transport.BoundAddress).ToArray();
            Connect(nodes, addresses, clientTransport);
            client = new RaftClient(new MessageBus(clientTransport, TimeProvider.System), members, TimeProvider.System, new RaftClientOptions
            {
                RequestTimeout = TimeSpan.FromSeconds(1),
                OperationTimeout = TimeSpan.FromSeconds(30),
            });

            var written = new List<string>();
            for (var i = 0; i < 50; i++)
            {
                await client.ExecuteAsync(KvCommand.Append("log", $"{i},").Encode());
                written.Add($"{i},");
            }

            // Kill a replica (the leader, the hardest case), keep writing, then bring it back on its port from its files.
            var leaderIndex = Array.FindIndex(nodes, n => n!.Node.Status.IsLeader);
            Assert.That(leaderIndex, Is.GreaterThanOrEqualTo(0), "no leader");
            await nodes[leaderIndex]!.DisposeAsync();
            nodes[leaderIndex] = null;
            for (var i = 50; i < 100; i++)
            {
                await client.ExecuteAsync(KvCommand.Append("log", $"{i},").Encode());
                written.Add($"{i},");
            }

            nodes[leaderIndex] = await TcpNode.StartAsync(addresses[leaderIndex], members, Path.Combine(root.FullName, $"n{leaderIndex + 1}"), codec);
            Connect(nodes, addresses, clientTransport);
            var expected = string.Concat(written);
            var restarted = nodes[leaderIndex]!;

            // A read on the restarted replica waits until it has applied everything committed before the read.
            string? caughtUp = null;
            for (var attempt = 0; attempt < 100 && caughtUp is null; attempt++)
            {
                try
                {
                    caughtUp = KvStateMachine.DecodeResult(await restarted.Node.ReadAsync(KvCommand.Get("log").Encode()));
                }
                catch (Exception exception) when (exception is NotLeaderException or TimeoutException)
                {
                    await Task.Delay(100);
                }
            }

            Assert.That(caughtUp, Is.EqualTo(expected), "the restarted replica did not catch up");
            var read = KvStateMachine.DecodeResult(await client.ReadAsync(KvCommand.Get("log").Encode()));
            Assert.That(read, Is.EqualTo(expected));
        }
        finally
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }

            foreach (var node in nodes)
            {
                if (node is not null)
                {
                    await node.DisposeAsync();
                }
            }

            if (clientTransport is not null)
            {
                await clientTransport.DisposeAsync();
            }

            root.Delete(recursive: true);
        }
    }

    private static void Connect(TcpNode?[] nodes, NodeAddress[] addresses, TcpTransport client)
    {
        foreach (var node in nodes)
        {
            if (node is null)
            {
                continue;
            }

            foreach (var address in addresses.Where(a => a.Id != node.Transport.LocalNode))
            {
                node.Transport.AddOrUpdatePeer(address);
            }

            node.Transport.AddOrUpdatePeer(client.BoundAddress);
        }

        foreach (var address in addresses)
        {
            client.AddOrUpdatePeer(address);
        }
    }

    private static async Task<TcpTransport> StartTransportAsync(NodeAddress address, MessageCodec codec)
    {
        var transport = CreateTransport(address, codec);
        await transport.StartAsync();
        return transport;
    }

    private static TcpTransport CreateTransport(NodeAddress address, MessageCodec codec) => new(
        new TcpTransportOptions { LocalAddress = address, ClusterId = "raft-tcp-test", Codec = codec, ClusterSecret = Secret },
        TimeProvider.System,
        RandomSource.FromEntropy(),
        NullLoggerFactory.Instance);

    private sealed class TcpNode : IAsyncDisposable
    {
        public required TcpTransport Transport { get; init; }

        public required MessageBus Bus { get; init; }

        public required RaftNode Node { get; init; }

        public required KvStateMachine StateMachine { get; init; }

        public required ILogStore Log { get; init; }

        public required ISnapshotStore Snapshots { get; init; }

        public static async Task<TcpNode> StartAsync(NodeAddress address, NodeId[] members, string folder, MessageCodec codec)
        {
            var transport = CreateTransport(address, codec);
            var bus = new MessageBus(transport, TimeProvider.System);
            var storage = new DiskFileStorage(folder);
            var log = await SegmentedLogStore.OpenAsync(storage);
            var snapshots = await FileSnapshotStore.OpenAsync(storage);
            var machine = new KvStateMachine { Applied = [] };
            var node = await RaftNode.StartAsync(
                new RaftNodeOptions { NodeId = address.Id, InitialMembers = members, SnapshotThresholdEntries = 30 },
                machine, log, snapshots, bus, TimeProvider.System, RandomSource.FromEntropy());
            await transport.StartAsync();
            return new TcpNode { Transport = transport, Bus = bus, Node = node, StateMachine = machine, Log = log, Snapshots = snapshots };
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
