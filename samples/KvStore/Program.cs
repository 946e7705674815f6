using System.Globalization;
using System.Net;
using Cluster.Core;
using KvStore;
using Microsoft.Extensions.Logging;
using Raft.Core;

// A plain dictionary made into a three-node replicated key-value store (Raft.Core).
//   dotnet run --project samples/KvStore                       three nodes in this process over loopback TCP, data under ./data,
//                                                              commands from the terminal (or from standard input when redirected)
//   dotnet run --project samples/KvStore -- --demo              the same, running a scripted tour and exiting
//   dotnet run --project samples/KvStore -- --node n1 --listen 127.0.0.1:7001 \
//        --peers n1@127.0.0.1:7001,n2@127.0.0.1:7002,n3@127.0.0.1:7003,n100@127.0.0.1:7100 --data ./data/n1
//                                                              one replica per process (peers list every replica and the client)
//   dotnet run --project samples/KvStore -- --client --listen n100@127.0.0.1:7100 \
//        --servers n1@127.0.0.1:7001,n2@127.0.0.1:7002,n3@127.0.0.1:7003
//                                                              a command line client of such a cluster
// Reconnect attempts to a stopped replica are expected here (the tour stops some), so the transport only reports errors.
using var loggerFactory = LoggerFactory.Create(builder => builder
    .AddSimpleConsole(o => o.SingleLine = true)
    .SetMinimumLevel(LogLevel.Warning)
    .AddFilter("Cluster.Core.TcpTransport", LogLevel.Error));
var options = Options.Parse(args);
if (options.Error is not null)
{
    Console.Error.WriteLine(options.Error);
    Console.Error.WriteLine("See the top of samples/KvStore/Program.cs for the usage.");
    return 2;
}

if (options.NodeAddress is { } single)
{
    await using var replica = await ReplicatedKeyValueStore.StartAsync(single, options.Peers, [.. options.Peers.Where(p => p.Id.Value < 100).Select(p => p.Id)], options.DataFolder, loggerFactory);
    Console.WriteLine($"{replica.Address} serving from {Path.GetFullPath(options.DataFolder)}; Ctrl+C stops it.");
    var stop = new TaskCompletionSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.TrySetResult();
    };
    await stop.Task;
    return 0;
}

if (options.Client)
{
    var (remote, transport) = await ReplicatedKeyValueStore.ConnectClientAsync(options.ClientAddress, options.Servers, loggerFactory);
    await using (transport)
    await using (remote)
    {
        var shell = new Shell(remote, cluster: null);
        return await shell.RunAsync(Console.In, interactive: !Console.IsInputRedirected);
    }
}

// Embedded default: three replicas and a client in this process.
await using var local = await LocalCluster.StartAsync(options.DataFolder, loggerFactory);
var localShell = new Shell(local.Client, local);
if (options.Demo)
{
    return await localShell.RunDemoAsync();
}

return await localShell.RunAsync(Console.In, interactive: !Console.IsInputRedirected);

/// <summary>Command line options.</summary>
internal sealed record Options
{
    public string? Error { get; init; }

    public bool Demo { get; init; }

    public bool Client { get; init; }

    public NodeAddress? NodeAddress { get; init; }

    public NodeAddress ClientAddress { get; init; } = new(new NodeId(100), IPAddress.Loopback.ToString(), 0);

    public IReadOnlyList<NodeAddress> Peers { get; init; } = [];

    public IReadOnlyList<NodeAddress> Servers { get; init; } = [];

    public string DataFolder { get; init; } = "data";

    public static Options Parse(string[] args)
    {
        var options = new Options();
        NodeId? node = null;
        string? listen = null;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--demo": options = options with { Demo = true }; break;
                    case "--client": options = options with { Client = true }; break;
                    case "--node": node = NodeId.Parse(Next()); break;
                    case "--listen": listen = Next(); break;
                    case "--peers": options = options with { Peers = ParseList(Next()) }; break;
                    case "--servers": options = options with { Servers = ParseList(Next()) }; break;
                    case "--data": options = options with { DataFolder = Next() }; break;
                    default: throw new FormatException($"Unknown argument '{args[i]}'.");
                }
            }

            if (node is { } id)
            {
                var (host, port) = SplitHostPort(listen ?? throw new FormatException("--node needs --listen host:port."));
                options = options with { NodeAddress = new NodeAddress(id, host, port) };
                if (options.Peers.Count == 0)
                {
                    throw new FormatException("--node needs --peers listing every replica (and the client).");
                }
            }
            else if (options.Client)
            {
                options = options with { ClientAddress = listen is null ? options.ClientAddress : NodeAddress.Parse(listen) };
                if (options.Servers.Count == 0)
                {
                    throw new FormatException("--client needs --servers.");
                }
            }

            return options;
        }
        catch (FormatException exception)
        {
            return options with { Error = exception.Message };
        }
    }

    private static NodeAddress[] ParseList(string text) => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(NodeAddress.Parse)];

    private static (string Host, int Port) SplitHostPort(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new FormatException($"'{text}' is not host:port.");
        }

        return (text[..colon], port);
    }
}
