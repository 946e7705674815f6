using Cluster.Core;

namespace Cluster.Simulation.Tests.Infrastructure;

/// <summary>Nodes that record every envelope they receive, with its arrival time.</summary>
public sealed class Recorder
{
    public Recorder(Simulator simulator, params ulong[] ids)
    {
        Simulator = simulator;
        foreach (var id in ids)
        {
            var node = new NodeId(id);
            Received[node] = [];
            simulator.AddNode(node, env => env.Transport.SetReceiver((from, envelope) => Received[node].Add((from, envelope, simulator.Now))));
        }
    }

    public Simulator Simulator { get; }

    public Dictionary<NodeId, List<(NodeId From, Envelope Envelope, TimeSpan At)>> Received { get; } = [];

    public ITransport Transport(ulong id) => Simulator.GetNode(new NodeId(id)).Environment!.Transport;

    public bool Send(ulong from, ulong to, int number) => Transport(from).TrySend(new NodeId(to), Envelope.OneWay(new Ping(number, "")));

    public IEnumerable<int> Numbers(ulong at) => Received[new NodeId(at)].Select(r => ((Ping)r.Envelope.Body).Number);
}
