using System.Net;
using Cluster.Core;
using Microsoft.Extensions.Logging;
using QuickStart;

// The suite's tour on embedded defaults: three nodes in one process over loopback TCP,
// request/response and one-way traffic through MessageBus, a stopped node timing out, the
// transport reconnecting once it is back; then a Raft-replicated dictionary that loses its
// leader and nothing else; then a Chubby lock held while the master is stopped; then a GFS that loses a chunkserver and
// nothing else. No arguments needed.
using var loggerFactory = LoggerFactory.Create(builder => builder
    .AddSimpleConsole(o => o.SingleLine = true)
    .SetMinimumLevel(LogLevel.Warning)
    .AddFilter("Cluster.Core.TcpTransport", LogLevel.Error)); // reconnect attempts to stopped nodes are part of the tour
var registry = new MessageTypeRegistry()
    .Register<AddRequest>(1000)
    .Register<AddResponse>(1001)
    .Register<Hello>(1002);
var codec = new MessageCodec(registry);
const string ClusterId = "quickstart";
var secret = "a shared secret proven with HMAC, never sent"u8.ToArray();

Console.WriteLine("== Cluster.Core: three nodes over loopback TCP");
var nodes = new List<Node>();
for (ulong id = 1; id <= 3; id++)
{
    nodes.Add(await Node.StartAsync(new NodeId(id), 0, codec, ClusterId, secret, loggerFactory));
}

Node.Connect(nodes);
foreach (var node in nodes)
{
    Console.WriteLine($"   {node.Address} listening");
}

// One-way: every node greets every other.
foreach (var from in nodes)
{
    foreach (var to in nodes.Where(n => n != from))
    {
        from.Bus.Send(to.Id, new Hello(from.Id.ToString(), TimeProvider.System.GetTimestamp()));
    }
}

// Request/response: n1 adds to the counters of n2 and n3, many calls in flight at once.
const int Calls = 20_000;
var latencies = new double[Calls];
var started = TimeProvider.System.GetTimestamp();
await Parallel.ForAsync(0, Calls, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
{
    var target = nodes[1 + (i % 2)].Id;
    var t0 = TimeProvider.System.GetTimestamp();
    await nodes[0].Bus.RequestAsync<AddResponse>(target, new AddRequest(1), TimeSpan.FromSeconds(10), ct);
    latencies[i] = TimeProvider.System.GetElapsedTime(t0).TotalMilliseconds;
});
var elapsed = TimeProvider.System.GetElapsedTime(started);
Array.Sort(latencies);
Console.WriteLine($"   {Calls} requests from n1 in {elapsed.TotalMilliseconds:0} ms ({Calls / elapsed.TotalSeconds:0} req/s), " +
                  $"latency p50 {latencies[Calls / 2]:0.00} ms, p99 {latencies[Calls * 99 / 100]:0.00} ms");
foreach (var node in nodes.Skip(1))
{
    var total = await nodes[0].Bus.RequestAsync<AddResponse>(node.Id, new AddRequest(0));
    Console.WriteLine($"   {total.Node} counter = {total.Total}, greetings received = {node.Greetings}");
}

// A stopped node: requests to it time out with a clear error; the others keep working.
Console.WriteLine("== stopping n3");
var port3 = nodes[2].Address.Port;
await nodes[2].DisposeAsync();
try
{
    await nodes[0].Bus.RequestAsync<AddResponse>(new NodeId(3), new AddRequest(1), TimeSpan.FromMilliseconds(300));
}
catch (RpcTimeoutException ex)
{
    Console.WriteLine($"   as expected: {ex.Message}");
}

var stillThere = await nodes[0].Bus.RequestAsync<AddResponse>(new NodeId(2), new AddRequest(1));
Console.WriteLine($"   n2 still answers: counter = {stillThere.Total}");

// Back on the same port: the transport reconnects with backoff and traffic flows again.
Console.WriteLine("== restarting n3 on the same port");
nodes[2] = await Node.StartAsync(new NodeId(3), port3, codec, ClusterId, secret, loggerFactory);
Node.Connect(nodes);
var back = await RetryAsync(() => nodes[0].Bus.RequestAsync<AddResponse>(new NodeId(3), new AddRequest(5), TimeSpan.FromSeconds(1)));
Console.WriteLine($"   n3 answers again: counter = {back.Total} (a fresh process; the request that timed out earlier may still have been delivered after the reconnect, which is why a timeout means \"unknown\", not \"failed\")");

foreach (var node in nodes)
{
    await node.DisposeAsync();
}

if (!await RaftTour.RunAsync(loggerFactory))
{
    return 1;
}

if (!await ChubbyTour.RunAsync(loggerFactory))
{
    return 1;
}

if (!await GfsTour.RunAsync(loggerFactory))
{
    return 1;
}

Console.WriteLine("done");
return 0;

static async Task<T> RetryAsync<T>(Func<Task<T>> call)
{
    for (var attempt = 1; ; attempt++)
    {
        try
        {
            return await call();
        }
        catch (RpcTimeoutException) when (attempt < 20)
        {
        }
    }
}

/// <summary>One node: a TCP transport, a message bus and a counter service.</summary>
internal sealed class Node : IAsyncDisposable
{
    private long _total;
    private int _greetings;

    private Node(TcpTransport transport, MessageBus bus)
    {
        Transport = transport;
        Bus = bus;
    }

    public TcpTransport Transport { get; }

    public MessageBus Bus { get; }

    public NodeId Id => Transport.LocalNode;

    public NodeAddress Address => Transport.BoundAddress;

    public int Greetings => Volatile.Read(ref _greetings);

    public static async Task<Node> StartAsync(NodeId id, int port, MessageCodec codec, string clusterId, byte[] secret, ILoggerFactory loggerFactory)
    {
        var transport = new TcpTransport(
            new TcpTransportOptions
            {
                LocalAddress = new NodeAddress(id, IPAddress.Loopback.ToString(), port),
                ClusterId = clusterId,
                Codec = codec,
                ClusterSecret = secret,
            },
            TimeProvider.System,
            RandomSource.FromEntropy(),
            loggerFactory);
        var bus = new MessageBus(transport, TimeProvider.System, loggerFactory: loggerFactory);
        var node = new Node(transport, bus);
        bus.On<Hello>((_, _) => Interlocked.Increment(ref node._greetings));
        bus.OnRequest<AddRequest, AddResponse>((_, request, _) =>
            ValueTask.FromResult(new AddResponse(id.ToString(), Interlocked.Add(ref node._total, request.Amount))));
        await transport.StartAsync();
        return node;
    }

    /// <summary>Tells every node where every other one listens.</summary>
    public static void Connect(IReadOnlyList<Node> nodes)
    {
        foreach (var node in nodes)
        {
            foreach (var other in nodes.Where(n => n != node))
            {
                node.Transport.AddOrUpdatePeer(other.Address);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Bus.DisposeAsync();
        await Transport.DisposeAsync();
    }
}
