using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using PhotoStore;

// Haystack (Beaver et al., OSDI'10) as one program: a Directory of three Raft nodes, three Store machines, a Cache and an HTTP
// front, over loopback TCP with their files under ./data.
//   dotnet run --project samples/PhotoStore                    every role in this process; a scripted self-check over HTTP
//                                                              (upload, read through the Cache and direct, hostile requests,
//                                                              delete), figures printed, exit code 0 when it passed
//   dotnet run --project samples/PhotoStore -- --serve          the same cluster, serving HTTP on 127.0.0.1:5080 until Ctrl+C:
//        curl --data-binary @cat.jpg http://127.0.0.1:5080/photos      -> {"url":"/50/12/1,7?4f0c...", ...}
//        curl -o copy.jpg 'http://127.0.0.1:5080/50/12/1,7?4f0c...'      (and -X DELETE to delete; GET /status for the Directory)
//   dotnet run --project samples/PhotoStore -- --role directory --node n1     one role per process, on fixed ports from
//   dotnet run --project samples/PhotoStore -- --role store --node n11        --base-port (7300: Directory n1-n3 on 7301-7303,
//   dotnet run --project samples/PhotoStore -- --role cache                   Stores n11-n13 on 7311-7313, Cache n50 on 7350,
//   dotnet run --project samples/PhotoStore -- --role front [--check]         front n100 on 7300); --check runs the self-check
// Common flags: --data <folder> (default ./data), --http 127.0.0.1:<port>, --max-upload-bytes <n>, --base-port <n>.
var options = SampleOptions.Parse(args);
if (options.Error is not null)
{
    Console.Error.WriteLine(options.Error);
    Console.Error.WriteLine("See the top of samples/PhotoStore/Program.cs for the usage.");
    return 2;
}

// Redials of a peer that is not up yet are expected while a cluster starts, so the transport only reports errors.
using var loggerFactory = LoggerFactory.Create(builder => builder
    .AddSimpleConsole(o => o.SingleLine = true)
    .SetMinimumLevel(LogLevel.Warning)
    .AddFilter("Cluster.Core.TcpTransport", LogLevel.Error));
// Ctrl+C and SIGTERM (a service manager, or kill) both stop the roles cleanly: volumes write their index checkpoints.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

return options.Role is null
    ? await Roles.RunLocalAsync(options, loggerFactory, stop.Token)
    : await Roles.RunOneAsync(options, loggerFactory, stop.Token);
