using System.Net;
using Cluster.Core;

namespace PhotoStore;

/// <summary>
/// Where every role of the sample listens: three Directory nodes (n1–n3), three Store machines (n11–n13), one Cache (n50)
/// and the node of the HTTP front (n100). Every process of a cluster must be given the same topology.
/// </summary>
public sealed record Topology
{
    /// <summary>The first port of <see cref="Fixed"/>.</summary>
    public const int DefaultBasePort = 7300;

    /// <summary>The Directory's Raft nodes.</summary>
    public required IReadOnlyList<NodeAddress> Directory { get; init; }

    /// <summary>The Store machines.</summary>
    public required IReadOnlyList<NodeAddress> Stores { get; init; }

    /// <summary>The Cache.</summary>
    public required NodeAddress Cache { get; init; }

    /// <summary>The HTTP front's node (it speaks to the Directory, the Stores and the Cache as a Haystack client).</summary>
    public required NodeAddress Front { get; init; }

    /// <summary>Every node.</summary>
    public IEnumerable<NodeAddress> All => [.. Directory, .. Stores, Cache, Front];

    /// <summary>The ids of the Directory's nodes.</summary>
    public IReadOnlyList<NodeId> DirectoryNodes => [.. Directory.Select(a => a.Id)];

    /// <summary>Fixed loopback ports from <paramref name="basePort"/>, for running each role as its own process.</summary>
    public static Topology Fixed(int basePort = DefaultBasePort) => Create(port => basePort + port);

    /// <summary>Port zero everywhere: the system picks free ports, for all roles in one process.</summary>
    public static Topology Ephemeral() => Create(_ => 0);

    /// <summary>The address of node <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentException">The topology has no such node.</exception>
    public NodeAddress Address(NodeId id) =>
        All.FirstOrDefault(a => a.Id == id) ?? throw new ArgumentException($"The topology has no node {id}; it has {string.Join(", ", All.Select(a => a.Id))}.", nameof(id));

    /// <summary>The same topology with <paramref name="bound"/> in place of the address with its id (after a port-zero bind).</summary>
    public Topology With(NodeAddress bound)
    {
        ArgumentNullException.ThrowIfNull(bound);
        NodeAddress Pick(NodeAddress a) => a.Id == bound.Id ? bound : a;
        return new Topology
        {
            Directory = [.. Directory.Select(Pick)],
            Stores = [.. Stores.Select(Pick)],
            Cache = Pick(Cache),
            Front = Pick(Front),
        };
    }

    /// <summary>Checks that ids are unique and that every address is 127.0.0.1: the sample never listens or dials beyond loopback.</summary>
    /// <exception cref="FormatException">A rule is broken; the message says which.</exception>
    public void Validate()
    {
        var all = All.ToList();
        if (Directory.Count == 0 || Stores.Count == 0)
        {
            throw new FormatException("The topology needs at least one Directory node and one Store.");
        }

        if (all.Select(a => a.Id).Distinct().Count() != all.Count)
        {
            throw new FormatException("Every node of the topology needs its own id.");
        }

        foreach (var address in all)
        {
            if (!IPAddress.TryParse(address.Host, out var ip) || !ip.Equals(IPAddress.Loopback))
            {
                throw new FormatException($"{address}: this sample listens and dials on 127.0.0.1 only.");
            }
        }
    }

    private static Topology Create(Func<int, int> port)
    {
        var host = IPAddress.Loopback.ToString();
        return new Topology
        {
            Directory = [.. Enumerable.Range(1, 3).Select(i => new NodeAddress(new NodeId((ulong)i), host, port(i)))],
            Stores = [.. Enumerable.Range(11, 3).Select(i => new NodeAddress(new NodeId((ulong)i), host, port(i)))],
            Cache = new NodeAddress(new NodeId(50), host, port(50)),
            Front = new NodeAddress(new NodeId(100), host, port(0)),
        };
    }
}
