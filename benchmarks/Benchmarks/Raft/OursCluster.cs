using System.Globalization;
using Cluster.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Raft.Core;

namespace Benchmarks.Raft;

/// <summary>
/// Our side: <see cref="RaftNode"/>s over <see cref="TcpTransport"/> on loopback in this process, each with its own log store,
/// counting what every node persists and sends so a run can say where the time goes.
/// </summary>
internal sealed class OursCluster : IBenchmarkCluster
{
    /// <summary>Real time per core tick: elections after 200–400 ms, heartbeats every 20 ms (the peer's timeouts are 150–300 ms).</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(20);

    private readonly Node[] _nodes;
    private RaftNode? _leader;
    private Counters _windowStart;

    private OursCluster(Node[] nodes) => _nodes = nodes;

    /// <summary>The settings used, for the comparison's details.</summary>
    public static IReadOnlyDictionary<string, object> Settings() => new Dictionary<string, object>
    {
        ["transport"] = "TcpTransport on 127.0.0.1, no secret, no TLS, default queue and batch limits",
        ["tick_interval_ms"] = TickInterval.TotalMilliseconds,
        ["raft_options"] = "defaults (ElectionTimeoutTicks 10, HeartbeatIntervalTicks 1, MaxInflightMessages 256, MaxSizePerMessageBytes 1 MiB)",
        ["snapshot_threshold_entries"] = "int.MaxValue (no snapshots during the run; MemorySnapshotStore)",
        ["state_machine"] = "IStateMachine that counts applied commands",
        ["propose"] = "leader RaftNode.ProposeAsync(ReadOnlyMemory<byte>): completes once applied on the leader",
    };

    /// <param name="count">Nodes in the cluster.</param>
    /// <param name="folder">Where each node keeps its log, or null for <see cref="MemoryRaftLog"/>.</param>
    public static async Task<OursCluster> StartAsync(int count, string? folder)
    {
        var codec = new MessageCodec(RaftMessageTypes.CreateRegistry());
        var members = Enumerable.Range(1, count).Select(i => new NodeId((ulong)i)).ToArray();
        var nodes = new Node[count];
        for (var i = 0; i < count; i++)
        {
            var transport = new TcpTransport(
                new TcpTransportOptions { LocalAddress = new NodeAddress(members[i], "127.0.0.1", 0), ClusterId = "raft-bench", Codec = codec },
                TimeProvider.System,
                RandomSource.FromEntropy(),
                NullLoggerFactory.Instance);
            var counting = new CountingTransport(transport);
            var bus = new MessageBus(counting, TimeProvider.System);
            await transport.StartAsync();
            ILogStore store = folder is null ? new MemoryRaftLog() : await DurableLog.OpenAsync(Path.Combine(folder, "ours-" + (i + 1).ToString(CultureInfo.InvariantCulture)));
            nodes[i] = new Node(transport, counting, bus, new CountingLogStore(store));
        }

        foreach (var node in nodes)
        {
            foreach (var other in nodes.Where(n => n != node))
            {
                node.Transport.AddOrUpdatePeer(other.Transport.BoundAddress);
            }
        }

        for (var i = 0; i < count; i++)
        {
            nodes[i].Raft = await RaftNode.StartAsync(
                new RaftNodeOptions
                {
                    NodeId = members[i],
                    InitialMembers = members,
                    TickInterval = TickInterval,
                    SnapshotThresholdEntries = int.MaxValue,
                },
                new CountingStateMachine(),
                nodes[i].Log,
                new MemorySnapshotStore(),
                nodes[i].Bus,
                TimeProvider.System,
                RandomSource.FromEntropy());
        }

        var cluster = new OursCluster(nodes);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await cluster.WaitForLeaderAsync(timeout.Token);
        return cluster;
    }

    public async ValueTask ProposeAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken)
    {
        var leader = _leader ?? throw new InvalidOperationException("No leader yet.");
        await leader.ProposeAsync(command, cancellationToken);
    }

    public async Task WaitForLeaderAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            foreach (var node in _nodes)
            {
                if (node.Raft!.Status.IsLeader)
                {
                    _leader = node.Raft;
                    return;
                }
            }

            await Task.Delay(10, cancellationToken);
        }
    }

    /// <summary>Diagnostic only: makes the current leader skip its fsyncs (see <see cref="CountingLogStore.SkipSync"/>).</summary>
    public void SkipLeaderSync() => _nodes.First(n => n.Raft == _leader).Log.SkipSync = true;

    /// <summary>Marks the start of the measured window.</summary>
    public void StartWindow() => _windowStart = Capture();

    /// <summary>What the nodes did since <see cref="StartWindow"/>, per committed command where that is the natural unit.</summary>
    public IReadOnlyDictionary<string, object> EndWindow(long committed, TimeSpan window)
    {
        var now = Capture();
        var leaderIndex = Array.FindIndex(_nodes, n => n.Raft == _leader);
        var leader = now.Nodes[leaderIndex] - _windowStart.Nodes[leaderIndex];
        var followers = now.Nodes.Select((n, i) => (Delta: n - _windowStart.Nodes[i], Index: i)).Where(x => x.Index != leaderIndex).Select(x => x.Delta).ToArray();
        var perCommand = Math.Max(1, committed);
        return new Dictionary<string, object>
        {
            ["leader_appends_per_s"] = Round(leader.Appends / window.TotalSeconds),
            ["leader_entries_per_append"] = Round((double)leader.Entries / Math.Max(1, leader.Appends)),
            ["leader_fsyncs_per_command"] = Round((double)leader.SyncedAppends / perCommand, 4),
            ["leader_persist_busy_fraction"] = Round(leader.AppendTime / window, 3),
            ["leader_ms_per_append"] = Round(leader.AppendTime.TotalMilliseconds / Math.Max(1, leader.Appends), 3),
            ["follower_appends_per_s"] = Round(followers.Average(f => f.Appends) / window.TotalSeconds),
            ["follower_entries_per_append"] = Round(followers.Sum(f => (double)f.Entries) / Math.Max(1, followers.Sum(f => f.Appends))),
            ["follower_fsyncs_per_command"] = Round(followers.Average(f => (double)f.SyncedAppends) / perCommand, 4),
            ["follower_persist_busy_fraction"] = Round(followers.Average(f => f.AppendTime / window), 3),
            ["leader_append_messages_per_s"] = Round(leader.AppendMessages / window.TotalSeconds),
            ["leader_entries_per_append_message"] = Round((double)leader.AppendEntries / Math.Max(1, leader.AppendMessages)),
            ["leader_empty_append_messages_per_s"] = Round(leader.EmptyAppendMessages / window.TotalSeconds),
            ["append_responses_per_command"] = Round((double)now.Nodes.Select((n, i) => n.AppendResponses - _windowStart.Nodes[i].AppendResponses).Sum() / perCommand, 3),
            ["messages_per_command"] = Round((double)now.Nodes.Select((n, i) => n.Sent - _windowStart.Nodes[i].Sent).Sum() / perCommand, 3),
            ["messages_dropped"] = now.Nodes.Select((n, i) => n.Dropped - _windowStart.Nodes[i].Dropped).Sum(),
        };
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            if (node.Raft is not null)
            {
                await node.Raft.DisposeAsync();
            }

            await node.Bus.DisposeAsync();
            await node.Transport.DisposeAsync();
            await node.Log.DisposeAsync();
        }
    }

    private static double Round(double value, int digits = 1) => Math.Round(value, digits);

    private Counters Capture() => new([.. _nodes.Select(n => new NodeCounters(
        n.Log.Appends, n.Log.SyncedAppends, n.Log.EntriesAppended, n.Log.AppendTime, n.Counting.Sent, n.Counting.AppendMessages, n.Counting.AppendEntries, n.Counting.EmptyAppendMessages, n.Counting.AppendResponses, n.Counting.Dropped))]);

    private sealed class Node(TcpTransport transport, CountingTransport counting, MessageBus bus, CountingLogStore log)
    {
        public TcpTransport Transport { get; } = transport;

        public CountingTransport Counting { get; } = counting;

        public MessageBus Bus { get; } = bus;

        public CountingLogStore Log { get; } = log;

        public RaftNode? Raft { get; set; }
    }

    private readonly record struct Counters(NodeCounters[] Nodes);

    private readonly record struct NodeCounters(
        long Appends,
        long SyncedAppends,
        long Entries,
        TimeSpan AppendTime,
        long Sent,
        long AppendMessages,
        long AppendEntries,
        long EmptyAppendMessages,
        long AppendResponses,
        long Dropped)
    {
        public static NodeCounters operator -(NodeCounters a, NodeCounters b) => new(
            a.Appends - b.Appends,
            a.SyncedAppends - b.SyncedAppends,
            a.Entries - b.Entries,
            a.AppendTime - b.AppendTime,
            a.Sent - b.Sent,
            a.AppendMessages - b.AppendMessages,
            a.AppendEntries - b.AppendEntries,
            a.EmptyAppendMessages - b.EmptyAppendMessages,
            a.AppendResponses - b.AppendResponses,
            a.Dropped - b.Dropped);
    }
}
