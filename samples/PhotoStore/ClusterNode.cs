using Cluster.Core;
using Haystack;
using Microsoft.Extensions.Logging;

namespace PhotoStore;

/// <summary>One node of the sample: a loopback <see cref="TcpTransport"/> and the <see cref="MessageBus"/> over it.</summary>
public sealed class ClusterNode : IAsyncDisposable
{
    /// <summary>The name both ends of every connection must agree on.</summary>
    public const string ClusterId = "photostore";

    private static readonly MessageCodec Codec = new(HaystackMessageTypes.CreateRegistry());

    // Every node of the sample knows this secret, so a stray process on the machine cannot join; a real cluster uses its own.
    private static readonly byte[] Secret = "photostore sample secret; use your own"u8.ToArray();

    private ClusterNode(TcpTransport transport, MessageBus bus)
    {
        Transport = transport;
        Bus = bus;
    }

    /// <summary>The node's id.</summary>
    public NodeId Id => Transport.LocalNode;

    /// <summary>Where it listens (the port the system picked when it was asked for port zero).</summary>
    public NodeAddress Address => Transport.BoundAddress;

    /// <summary>The transport.</summary>
    public TcpTransport Transport { get; }

    /// <summary>The bus the roles register their handlers on.</summary>
    public MessageBus Bus { get; }

    /// <summary>Creates the node's transport and bus; <see cref="StartAsync"/> then listens.</summary>
    public static ClusterNode Create(NodeAddress local, IEnumerable<NodeAddress> peers, ILoggerFactory loggerFactory)
    {
        var transport = new TcpTransport(
            new TcpTransportOptions
            {
                LocalAddress = local,
                ClusterId = ClusterId,
                Codec = Codec,
                ClusterSecret = Secret,
                Peers = [.. peers.Where(p => p.Id != local.Id)],
            },
            TimeProvider.System,
            RandomSource.FromEntropy(),
            loggerFactory);
        return new ClusterNode(transport, new MessageBus(transport, TimeProvider.System, loggerFactory: loggerFactory));
    }

    /// <summary>Binds the listener.</summary>
    public Task StartAsync() => Transport.StartAsync();

    /// <summary>Learns (or relearns) where the other nodes listen.</summary>
    public void Connect(IEnumerable<NodeAddress> peers)
    {
        foreach (var peer in peers.Where(p => p.Id != Id))
        {
            Transport.AddOrUpdatePeer(peer);
        }
    }

    /// <summary>Closes the bus and the transport.</summary>
    public async ValueTask DisposeAsync()
    {
        await Bus.DisposeAsync();
        await Transport.DisposeAsync();
    }
}
