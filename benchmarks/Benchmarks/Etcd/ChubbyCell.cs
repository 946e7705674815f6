using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Chubby;
using Cluster.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace Benchmarks.Etcd;

/// <summary>
/// Our side: a three-replica Chubby cell, each replica in a process of its own (<see cref="ChubbyReplicaHost"/>) on loopback TCP
/// with its log on the disk, and a few client nodes in this process whose buses carry the benchmark's sessions.
/// </summary>
internal sealed class ChubbyCell : IAsyncDisposable
{
    public const string Root = "/ls/local";

    private readonly ServerProcess[] _replicas;
    private readonly NodeId[] _members;
    private readonly TcpTransport[] _clientTransports;
    private readonly MessageBus[] _clientBuses;

    private ChubbyCell(ServerProcess[] replicas, NodeId[] members, TcpTransport[] clientTransports, MessageBus[] clientBuses)
    {
        _replicas = replicas;
        _members = members;
        _clientTransports = clientTransports;
        _clientBuses = clientBuses;
    }

    public IReadOnlyList<ServerProcess> Replicas => _replicas;

    /// <summary>The settings used, for the comparison's details.</summary>
    public static IReadOnlyDictionary<string, object> Settings(int clientNodes) => new Dictionary<string, object>
    {
        ["replicas"] = "3 processes of this program (chubby-replica mode), ChubbyServerOptions and RaftNodeOptions defaults: 12 s lease, KeepAlive answered 2 s before the lease ends, 100 ms sweep, 100 ms Raft tick (1 s election timeout), snapshots every 10,000 entries",
        ["log"] = "SegmentedLogStore on DiskFileStorage (fsync before every acknowledgement, on every replica), FileSnapshotStore, in the temp folder on the disk",
        ["transport"] = "TcpTransport on 127.0.0.1, no TLS, no secret",
        ["client_connections"] = $"{clientNodes} client nodes (one TcpTransport and MessageBus each) in the benchmark process; sessions are spread over them round-robin",
        ["client"] = "ChubbyClient with default options; clients find the master by its hint and send every call to it",
    };

    /// <summary>Starts the replicas (logs under <paramref name="folder"/>) and <paramref name="clientNodes"/> client nodes.</summary>
    public static async Task<ChubbyCell> StartAsync(string folder, int clientNodes)
    {
        var codec = new MessageCodec(ChubbyMessageTypes.CreateRegistry());
        var members = new[] { new NodeId(1), new NodeId(2), new NodeId(3) };
        var transports = new TcpTransport[clientNodes];
        var buses = new MessageBus[clientNodes];
        for (var i = 0; i < clientNodes; i++)
        {
            transports[i] = new TcpTransport(
                new TcpTransportOptions
                {
                    LocalAddress = new NodeAddress(new NodeId(100 + (ulong)i), "127.0.0.1", 0),
                    ClusterId = ChubbyReplicaHost.ClusterId,
                    Codec = codec,
                },
                TimeProvider.System,
                RandomSource.FromEntropy(),
                NullLoggerFactory.Instance);
            await transports[i].StartAsync();
            buses[i] = new MessageBus(transports[i], TimeProvider.System);
        }

        var ports = ReservePorts(members.Length);
        var addresses = members.Select((id, i) => new NodeAddress(id, "127.0.0.1", ports[i])).ToArray();
        foreach (var transport in transports)
        {
            foreach (var address in addresses)
            {
                transport.AddOrUpdatePeer(address);
            }
        }

        var (program, prefix) = SelfCommand();
        var replicas = new List<ServerProcess>();
        try
        {
            foreach (var address in addresses)
            {
                var replicaFolder = Path.Combine(folder, "chubby-" + address.Id.Value.ToString(CultureInfo.InvariantCulture));
                Directory.CreateDirectory(replicaFolder);
                var arguments = prefix.Concat(ChubbyReplicaHost.Arguments(address, replicaFolder, addresses, transports.Select(t => t.BoundAddress)));
                replicas.Add(await ServerProcess.StartAsync("chubby-" + address.Id.Value.ToString(CultureInfo.InvariantCulture), program, arguments, Path.Combine(folder, $"chubby-{address.Id.Value}.log")));
            }
        }
        catch
        {
            replicas.ForEach(r => r.Dispose());
            throw;
        }

        return new ChubbyCell([.. replicas], members, transports, buses);
    }

    /// <summary>Opens session number <paramref name="index"/> on the client node <c>index mod nodes</c>.</summary>
    public Task<ChubbyClient> ConnectAsync(int index, ChubbyClientOptions? options = null, CancellationToken cancellationToken = default) =>
        ChubbyClient.ConnectAsync(_clientBuses[index % _clientBuses.Length], _members, TimeProvider.System, options, cancellationToken: cancellationToken);

    /// <summary>The process of the replica a client currently takes for the master.</summary>
    public ServerProcess Process(NodeId replica) => _replicas[Array.IndexOf(_members, replica)];

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            replica.Dispose();
        }

        foreach (var bus in _clientBuses)
        {
            await bus.DisposeAsync();
        }

        foreach (var transport in _clientTransports)
        {
            await transport.DisposeAsync();
        }
    }

    /// <summary>The command that runs this program again: its apphost, or <c>dotnet Benchmarks.dll</c>.</summary>
    private static (string Program, string[] Prefix) SelfCommand()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown.");
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? (process, [typeof(Comparisons).Assembly.Location]) : (process, []);
    }

    /// <summary>Free loopback ports for the replicas, which must know each other's addresses before they start.</summary>
    internal static int[] ReservePorts(int count)
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

            return [.. sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port)];
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }
}
