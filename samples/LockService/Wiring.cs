using System.Net;
using Chubby;
using Cluster.Core;
using Microsoft.Extensions.Logging;

namespace LockService;

/// <summary>What every process of the sample agrees on: the cell's name, the cluster id and secret, the codec, default addresses.</summary>
public static class Wiring
{
    /// <summary>The cell's name: paths start with <c>/ls/local/</c>.</summary>
    public const string CellName = ChubbyServerOptions.DefaultCellName;

    /// <summary>The TCP transport's cluster id; processes of another cluster are refused at the handshake.</summary>
    public const string ClusterId = "lockservice";

    /// <summary>
    /// The shared secret every process proves with HMAC at connect time. It is the only authentication in the cell: a process that
    /// knows it may claim any principal. Use your own.
    /// </summary>
    public static ReadOnlyMemory<byte> Secret { get; } = "lockservice sample secret; use your own"u8.ToArray();

    /// <summary>Frames of Raft and Chubby messages.</summary>
    public static MessageCodec Codec { get; } = new(ChubbyMessageTypes.CreateRegistry());

    /// <summary>The replicas when <c>--members</c> is not given: n1..n5 on 127.0.0.1:7001..7005.</summary>
    public static IReadOnlyList<NodeAddress> DefaultMembers { get; } =
        [.. Enumerable.Range(1, 5).Select(i => new NodeAddress(new NodeId((ulong)i), IPAddress.Loopback.ToString(), 7000 + i))];

    /// <summary>
    /// The clients replicas answer when <c>--clients</c> is not given: n100..n103 on 127.0.0.1:7100..7103. A replica answers a
    /// client over its own connection to it, so it must know every client's address.
    /// </summary>
    public static IReadOnlyList<NodeAddress> DefaultClients { get; } =
        [.. Enumerable.Range(0, 4).Select(i => new NodeAddress(new NodeId((ulong)(100 + i)), IPAddress.Loopback.ToString(), 7100 + i))];

    /// <summary>A TCP transport for one process of the cell (replica or client).</summary>
    public static TcpTransport CreateTransport(NodeAddress address, IEnumerable<NodeAddress> peers, ILoggerFactory loggerFactory) => new(
        new TcpTransportOptions
        {
            LocalAddress = address,
            ClusterId = ClusterId,
            Codec = Codec,
            ClusterSecret = Secret,
            Peers = [.. peers.Where(p => p.Id != address.Id)],
        },
        TimeProvider.System,
        RandomSource.FromEntropy(),
        loggerFactory);
}
