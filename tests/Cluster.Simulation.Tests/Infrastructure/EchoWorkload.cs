using Cluster.Core;

namespace Cluster.Simulation.Tests.Infrastructure;

/// <summary>
/// A busy cluster for determinism tests: every node runs a timer that sends requests to random peers;
/// each request is appended to the receiver's disk log and fsynced before the answer goes back.
/// </summary>
public sealed class EchoWorkload
{
    public EchoWorkload(Simulator simulator, int nodes, TimeSpan requestInterval)
    {
        Simulator = simulator;
        var ids = Enumerable.Range(1, nodes).Select(i => new NodeId((ulong)i)).ToArray();
        foreach (var id in ids)
        {
            simulator.AddNode(id, env => StartNode(env, ids, requestInterval));
        }
    }

    public Simulator Simulator { get; }

    public long Requests { get; private set; }

    public long Answers { get; private set; }

    public long Failures { get; private set; }

    public long Appends { get; private set; }

    public long Mismatches { get; private set; }

    public long Recovered { get; private set; }

    private async Task StartNode(NodeEnvironment env, NodeId[] peers, TimeSpan interval)
    {
        var bus = env.CreateMessageBus(TimeSpan.FromMilliseconds(200));
        var log = await env.Storage.OpenAsync("log/requests", StorageOpenMode.OpenOrCreate);
        Recovered += log.Length;
        await env.Storage.SyncDirectoryAsync();
        bus.OnRequest<Ping, Pong>(async (from, ping, ct) =>
        {
            await log.AppendAsync(BitConverter.GetBytes(ping.Number), ct);
            await log.FlushAsync(ct);
            Appends++;
            return new Pong(ping.Number);
        });
        var counter = 0;
        env.Time.CreateTimer(_ =>
        {
            var peer = peers[env.Random.Next(peers.Length)];
            _ = AskAsync(bus, peer, new Ping(++counter, "hello"));
        }, null, interval, interval);
    }

    private async Task AskAsync(MessageBus bus, NodeId peer, Ping ping)
    {
        Requests++;
        try
        {
            var pong = await bus.RequestAsync<Pong>(peer, ping);
            if (pong.Number == ping.Number)
            {
                Answers++;
            }
            else
            {
                Mismatches++;
            }
        }
        catch (Exception ex) when (ex is RpcTimeoutException or RemoteRpcException)
        {
            Failures++;
        }
    }
}
