using Chubby;
using Cluster.Core;
using LockService;
using Microsoft.Extensions.Logging;

// A Chubby lock service on loopback TCP with durable logs.
//   dotnet run --project samples/LockService
//       five replicas in this process (data under ./data/lockservice), a scripted tour (a file, a lock and its sequencer, the
//       master killed while the lock is held, the session and lock surviving, the lock handed over), then exit
//   dotnet run --project samples/LockService -- --replica 1 [--members n1@127.0.0.1:7001,...,n5@127.0.0.1:7005]
//        [--clients n100@127.0.0.1:7100,...] [--data ./data/lockservice]
//       one replica per process (run 1 to 5 in five terminals); it answers the clients listed (default n100..n103 on 7100..7103)
//   dotnet run --project samples/LockService -- client [--as n100@127.0.0.1:7100] [--principal alice] [--members ...] [COMMAND]
//       a client of such a cell: ls PATH | cat PATH | put PATH TEXT | mkdir PATH | lock PATH [--shared] [--for 30s] |
//       unlock PATH | watch PATH [--for 30s]; without a command, a shell reading commands from standard input
// Members default to n1..n5 on 127.0.0.1:7001..7005. Loopback only.
using var loggerFactory = LoggerFactory.Create(builder => builder
    .AddSimpleConsole(o => o.SingleLine = true)
    .SetMinimumLevel(LogLevel.Warning)
    .AddFilter("Cluster.Core.TcpTransport", LogLevel.Error)); // reconnect attempts to a killed replica are part of the tour
var options = LockService.CommandLine.Parse(args);
if (options.Error is not null)
{
    Console.Error.WriteLine(options.Error);
    Console.Error.WriteLine("See the top of samples/LockService/Program.cs for the usage.");
    return 2;
}

if (options.Replica is { } n)
{
    var address = options.Members[n - 1];
    var folder = Path.Combine(options.DataFolder, address.Id.ToString());
    await using var replica = await CellReplica.StartAsync(address, [.. options.Members, .. options.Clients], [.. options.Members.Select(m => m.Id)], folder, loggerFactory);
    Console.WriteLine($"{replica.Address} serving cell {Wiring.CellName} from {Path.GetFullPath(folder)}; Ctrl+C stops it.");
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
    await using var transport = Wiring.CreateTransport(options.ClientAddress, options.Members, loggerFactory);
    await using var bus = new MessageBus(transport, TimeProvider.System, loggerFactory: loggerFactory);
    await transport.StartAsync();
    ChubbyClient client;
    try
    {
        client = await ChubbyClient.ConnectAsync(bus, [.. options.Members.Select(m => m.Id)], TimeProvider.System,
            new ChubbyClientOptions { Principal = options.Principal, ConnectTimeout = TimeSpan.FromSeconds(10) }, loggerFactory);
    }
    catch (Exception exception) when (exception is TimeoutException or ChubbyException)
    {
        Console.Error.WriteLine($"{exception.Message} Are the replicas running, and do they list {options.ClientAddress} in --clients?");
        return 1;
    }

    await using (client)
    {
        var shell = new ClientShell(client, Console.Out);
        Console.CancelKeyPress += (_, e) => e.Cancel = shell.Interrupt();
        var code = options.Command.Count > 0
            ? await shell.RunCommandAsync(options.Command, oneOff: true)
            : await shell.RunShellAsync(Console.In, prompt: !Console.IsInputRedirected);

        // Closing the session releases its locks at once and deletes its ephemeral files; without it they wait for the lease to end.
        await client.CloseSessionAsync();
        return code;
    }
}

return await Demo.RunAsync(options.DataFolder, Console.Out, loggerFactory) ? 0 : 1;
