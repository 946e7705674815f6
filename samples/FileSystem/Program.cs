using System.Globalization;
using System.Runtime.InteropServices;
using FileSystem;
using Gfs;
using Microsoft.Extensions.Logging;

// A file system after GFS (libs/Gfs): a master group of three replicated with Raft, chunkservers on two racks, clients.
//   dotnet run --project samples/FileSystem                  three masters, four chunkservers and four clients in this process
//                                                            over loopback TCP; a scripted tour that kills the master leader and
//                                                            a chunkserver along the way. Starts from an empty ./data/filesystem
//                                                            and leaves the data there. 1 MiB chunks unless --chunk-size.
//   dotnet run --project samples/FileSystem -- --shell       the same cluster with a command line (ls, put, get, append, ...),
//                                                            keeping its files in ./data/filesystem across runs
//   dotnet run --project samples/FileSystem -- --chubby      either of the above with a Chubby cell of three replicas as well:
//                                                            the Raft leader of the masters must also hold the Chubby lock
//                                                            /ls/local/gfs/filesystem/master to act, chunkservers refuse
//                                                            commands of a deposed master, and chunkservers and clients find the
//                                                            master in the lock file
// One role per process (every process gets the same member lists; the paper's 64 MiB chunks unless --chunk-size):
//   M=n1@127.0.0.1:7001,n2@127.0.0.1:7002,n3@127.0.0.1:7003
//   C=n11@127.0.0.1:7011,n12@127.0.0.1:7012,n13@127.0.0.1:7013,n14@127.0.0.1:7014
//   K=n100@127.0.0.1:7100
//   dotnet run --project samples/FileSystem -- --master n1 --masters $M --chunkservers $C --clients $K [--data DIR]
//   dotnet run --project samples/FileSystem -- --chunkserver n11 --rack rack-a --masters $M --chunkservers $C --clients $K
//   dotnet run --project samples/FileSystem -- --shell --client n100 --masters $M --chunkservers $C --clients $K
// With a Chubby cell (add --chubby-cell $Z to every command above, and run each replica):
//   Z=n201@127.0.0.1:7201,n202@127.0.0.1:7202,n203@127.0.0.1:7203
//   dotnet run --project samples/FileSystem -- --chubby-replica n201 --chubby-cell $Z --masters $M --chunkservers $C --clients $K
var line = CommandLine.Parse(args);
if (line.Error is not null)
{
    Console.Error.WriteLine(line.Error);
    Console.Error.WriteLine("See the top of samples/FileSystem/Program.cs for the usage.");
    return 2;
}

// Connection attempts to stopped nodes are expected (the tour stops some), so the transport only reports errors. In one
// process the chunkservers' first heartbeats always find no elected master yet, and a chunkserver the tour kills may be cut
// off in the middle of a write; those warnings are left to separate processes.
using var loggerFactory = LoggerFactory.Create(builder => builder
    .AddSimpleConsole(o => o.SingleLine = true)
    .SetMinimumLevel(LogLevel.Warning)
    .AddFilter("Cluster.Core.TcpTransport", LogLevel.Error)
    .AddFilter("Cluster.Core.MessageBus", LogLevel.Error)
    .AddFilter("Gfs.ChunkServer", line.Distributed ? LogLevel.Warning : LogLevel.Error)
    .AddFilter("Chubby", line.Distributed ? LogLevel.Warning : LogLevel.Error)
    .AddFilter("Gfs.ChunkStore", line.Distributed ? LogLevel.Warning : LogLevel.Error));

try
{
    if (line.Master is { } masterId)
    {
        var chunkSize = line.ChunkSize ?? MasterOptions.DefaultChunkSize;
        var folder = DataFolder.Prepare(line.DataFolder ?? Path.Combine("data", "filesystem", $"master-{masterId.Value}"), chunkSize, fresh: false);
        await using var master = await MasterHost.StartAsync(line.AddressOf(masterId), line.Everyone, [.. line.Masters.Select(m => m.Id)], chunkSize, folder, line.ChubbyIds, loggerFactory);
        Console.WriteLine($"master {master.Address} serving from {folder} ({Shell.Size(chunkSize)} chunks{(line.ChubbyIds is null ? "" : $", elected with the Chubby lock {FileSystemSettings.MasterLockPath}")}); Ctrl+C or SIGTERM stops it.");
        await UntilStoppedAsync();
        return 0;
    }

    if (line.Chunkserver is { } chunkserverId)
    {
        var chunkSize = line.ChunkSize ?? MasterOptions.DefaultChunkSize;
        var folder = DataFolder.Prepare(line.DataFolder ?? Path.Combine("data", "filesystem", $"chunkserver-{chunkserverId.Value}"), chunkSize, fresh: false);
        await using var chunkserver = await ChunkserverHost.StartAsync(line.AddressOf(chunkserverId), line.Everyone, [.. line.Masters.Select(m => m.Id)], line.Rack, chunkSize, folder, line.ChubbyIds, loggerFactory);
        Console.WriteLine($"chunkserver {chunkserver.Address} on {line.Rack} serving {chunkserver.Store.List().Count} replicas from {folder}; Ctrl+C or SIGTERM stops it.");
        await UntilStoppedAsync();
        return 0;
    }

    if (line.ChubbyReplica is { } replicaId)
    {
        var folder = Path.GetFullPath(line.DataFolder ?? Path.Combine("data", "filesystem", $"chubby-{replicaId.Value}"));
        await using var replica = await ChubbyHost.StartAsync(line.AddressOf(replicaId), line.Everyone, line.ChubbyIds!, folder, loggerFactory);
        Console.WriteLine($"chubby replica {replica.Address} serving from {folder}; Ctrl+C or SIGTERM stops it.");
        await UntilStoppedAsync();
        return 0;
    }

    if (line.Shell && line.Distributed)
    {
        await using var client = await ClientHost.StartAsync(line.AddressOf(line.Client), line.Everyone, [.. line.Masters.Select(m => m.Id)], line.ChubbyIds, loggerFactory);
        return await new Shell(client.Client, cluster: null).RunAsync(Console.In, interactive: !Console.IsInputRedirected);
    }

    // Embedded: the whole cluster in this process.
    var localChunkSize = line.ChunkSize ?? FileSystemSettings.DemoChunkSize;
    var dataFolder = DataFolder.Prepare(line.DataFolder ?? Path.Combine("data", "filesystem"), localChunkSize, fresh: !line.Shell);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"== GFS: 3 masters (Raft{(line.Chubby ? ", elected with a lock of a 3-replica Chubby cell" : "")}), 4 chunkservers on 2 racks, {(line.Shell ? 1 : 4)} clients; loopback TCP, {Shell.Size(localChunkSize)} chunks, 3 replicas, data in {dataFolder}{(line.Shell ? "" : " (emptied first)")}"));
    await using var cluster = await LocalCluster.StartAsync(dataFolder, localChunkSize, clients: line.Shell ? 1 : 4, line.Chubby, loggerFactory);
    if (line.Shell)
    {
        await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));

        // A new leader learns replica locations from heartbeats before it places or leases chunks.
        await Task.Delay(FileSystemSettings.Master(localChunkSize).SettleTime);
        return await new Shell(cluster.Clients[0], cluster).RunAsync(Console.In, interactive: !Console.IsInputRedirected);
    }

    return await new Demo(cluster).RunAsync();
}
catch (Exception exception) when (exception is DemoFailedException or GfsException or TimeoutException or InvalidOperationException)
{
    Console.WriteLine($"FAILED: {exception.Message}");
    return 1;
}

// Ctrl+C or SIGTERM: stop the node cleanly (its disposal closes the transport and the stores).
static async Task UntilStoppedAsync()
{
    var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
    using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
    await stop.Task;

    void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        stop.TrySetResult();
    }
}
