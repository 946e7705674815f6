using System.Net;
using System.Net.Sockets;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.Membership;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;

// DotNext marks its write-ahead log and state machine API experimental; the peer is configured as its own tests do.
#pragma warning disable DOTNEXT001

namespace Benchmarks.Raft;

/// <summary>
/// The peer: DotNext.Net.Cluster's <see cref="RaftCluster"/> nodes over its TCP transport in this process, each with its own
/// <see cref="WriteAheadLog"/> in a folder of its own, replicating through the leader's <c>ReplicateAsync</c>.
/// Set up as DotNext's own TCP tests set up an embedded cluster: fixed member list, no cold start, one WAL per node.
/// </summary>
internal sealed class DotNextCluster : IBenchmarkCluster
{
    private readonly RaftCluster[] _nodes;
    private readonly WriteAheadLog[] _logs;
    private RaftCluster? _leader;

    private DotNextCluster(RaftCluster[] nodes, WriteAheadLog[] logs)
    {
        _nodes = nodes;
        _logs = logs;
    }

    /// <summary>The settings used, for the comparison's details.</summary>
    public static IReadOnlyDictionary<string, object> Settings(bool fsync) => new Dictionary<string, object>
    {
        ["transport"] = "RaftCluster.TcpConfiguration on 127.0.0.1, no TLS, TransmissionBlockSize 65535, in-memory configuration storage with all members",
        ["election_timeout_ms"] = "150-300 (as in DotNext's RaftNode example)",
        ["wal"] = "StateMachine.WriteAheadLog, MemoryManagement PrivateMemory (documented as the fastest for writes), ChunkSize 8 MiB, ConcurrencyLevel 128, HashAlgorithm None (default)",
        ["tried_not_faster"] = "MemoryManagement SharedMemory, NoBuffering (direct I/O), ChunkSize 64 KiB, TransmissionBlockSize 4096",
        ["durability"] = fsync
            ? "6.12 writes WAL pages with pwrite on files opened O_SYNC at every commit on every node (FlushOnCommit and FlushInterval are obsolete and ignored; strace shows no fsync calls, only O_SYNC writes); WAL folders on the disk"
            : "the same synchronous writes, but the WAL folders are on tmpfs (/dev/shm), where they cost no device flush",
        ["state_machine"] = "IStateMachine that counts applied entries; no snapshots",
        ["propose"] = "leader IRaftCluster.ReplicateAsync(ReadOnlyMemory<byte>, null, token): append, force replication, wait until applied on the leader",
    };

    /// <summary>Starts <paramref name="count"/> nodes with their logs under <paramref name="folder"/> and waits for a leader.</summary>
    public static async Task<DotNextCluster> StartAsync(int count, string folder)
    {
        var endPoints = ReservePorts(count);
        var nodes = new RaftCluster[count];
        var logs = new WriteAheadLog[count];
        for (var i = 0; i < count; i++)
        {
            var configuration = new RaftCluster.TcpConfiguration(endPoints[i])
            {
                ColdStart = false,
                LowerElectionTimeout = 150,
                UpperElectionTimeout = 300,
                TransmissionBlockSize = 65535,
                ConfigurationStorage = null,
            };
            var members = (InMemoryClusterConfigurationStorage<EndPoint>)configuration.ConfigurationStorage!;
            var builder = members.CreateInitialConfigurationBuilder();
            foreach (var endPoint in endPoints)
            {
                builder.Add(endPoint);
            }

            builder.Build();
            logs[i] = new WriteAheadLog(
                new WriteAheadLog.Options
                {
                    Location = Path.Combine(folder, "dotnext-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    MemoryManagement = WriteAheadLog.MemoryManagementStrategy.PrivateMemory,
                    ChunkSize = 8 * 1024 * 1024,
                    ConcurrencyLevel = 128,
                },
                new CountingStateMachine());
            nodes[i] = new RaftCluster(configuration) { AuditTrail = logs[i] };
        }

        foreach (var node in nodes)
        {
            await node.StartAsync(CancellationToken.None);
        }

        var cluster = new DotNextCluster(nodes, logs);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await cluster.WaitForLeaderAsync(timeout.Token);
        return cluster;
    }

    public async ValueTask ProposeAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken)
    {
        var leader = _leader ?? throw new InvalidOperationException("No leader yet.");
        await leader.ReplicateAsync(command, null, cancellationToken);
    }

    public async Task WaitForLeaderAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            foreach (var node in _nodes)
            {
                if (node.Leader is { IsRemote: false })
                {
                    _leader = node;
                    return;
                }
            }

            await Task.Delay(10, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.StopAsync(CancellationToken.None);
            await node.DisposeAsync();
        }

        foreach (var log in _logs)
        {
            await log.DisposeAsync();
        }
    }

    /// <summary>Free loopback ports: DotNext needs every member's address before any node starts.</summary>
    private static IPEndPoint[] ReservePorts(int count)
    {
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                sockets.Add(socket);
            }

            return [.. sockets.Select(s => (IPEndPoint)s.LocalEndPoint!)];
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>Counts applied entries; keeps no snapshot, like the state machine on our side.</summary>
    private sealed class CountingStateMachine : IStateMachine
    {
        private long _applied;

        public ISnapshot? Snapshot => null;

        public ValueTask ReclaimGarbageAsync(long watermark, CancellationToken token) => ValueTask.CompletedTask;

        public ValueTask<long> ApplyAsync(LogEntry entry, CancellationToken token)
        {
            _applied++;
            return ValueTask.FromResult(entry.Index);
        }
    }
}
