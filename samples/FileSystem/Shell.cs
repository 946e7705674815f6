using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cluster.Core;
using Gfs;

namespace FileSystem;

/// <summary>
/// The command line of the file system. With an embedded cluster it can also show the nodes and kill or restart them.
/// </summary>
internal sealed class Shell(GfsClient client, LocalCluster? cluster)
{
    private const string Help =
        "commands: ls [path] | mkdir <path> | put <local> <path> | get <path> <local> | cat <path> | append <path> <text> | " +
        "snapshot <src> <dst> | mv <src> <dst> | rm [-r] <path> | trash | undelete <path> [<to>] | stat <path> | status | kill nX | restart nX | help | quit";

    public async Task<int> RunAsync(TextReader input, bool interactive)
    {
        Console.WriteLine(Help);
        var failures = 0;
        while (true)
        {
            if (interactive)
            {
                Console.Write("gfs> ");
            }

            var line = await input.ReadLineAsync();
            if (line is null || line.Trim() is "quit" or "exit")
            {
                return failures == 0 ? 0 : 1;
            }

            if (!interactive && line.Trim().Length > 0)
            {
                Console.WriteLine($"gfs> {line.Trim()}");
            }

            if (!await ExecuteAsync(line))
            {
                failures++;
            }
        }
    }

    /// <summary>Runs one command line and prints its outcome; false when it failed.</summary>
    public async Task<bool> ExecuteAsync(string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 0)
        {
            return true;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            switch (words[0])
            {
                case "ls" when words.Length <= 2:
                    await ListAsync(words.Length == 2 ? words[1] : "/");
                    return true;
                case "mkdir" when words.Length == 2:
                    await client.CreateDirectoryAsync(words[1]);
                    Console.WriteLine($"created {words[1]}");
                    return true;
                case "put" when words.Length == 3:
                    await using (var source = File.OpenRead(words[1]))
                    {
                        var written = await FileTransfer.PutAsync(client, source, words[2]);
                        Console.WriteLine($"{words[1]} -> {words[2]}: {Size(written)} {Rate(written, started)}");
                    }

                    return true;
                case "get" when words.Length == 3:
                    await using (var destination = File.Create(words[2]))
                    {
                        var read = await FileTransfer.GetAsync(client, words[1], destination);
                        Console.WriteLine($"{words[1]} -> {words[2]}: {Size(read)} {Rate(read, started)}");
                    }

                    return true;
                case "cat" when words.Length == 2:
                    var content = await FileTransfer.ReadAllAsync(client, words[1]);
                    Console.Write(Encoding.UTF8.GetString(content.AsSpan(0, Math.Min(content.Length, 64 * 1024))));
                    Console.WriteLine(content.Length > 64 * 1024 ? $"... ({Size(content.Length)} in all)" : "");
                    return true;
                case "append" when words.Length >= 3:
                    await AppendAsync(words[1], line[(line.IndexOf(words[1], StringComparison.Ordinal) + words[1].Length)..].Trim());
                    return true;
                case "snapshot" when words.Length == 3:
                    await client.SnapshotAsync(words[1], words[2]);
                    Console.WriteLine($"snapshot {words[1]} -> {words[2]} in {Elapsed(started)} (chunks shared, copied on the next write)");
                    return true;
                case "mv" when words.Length == 3:
                    await client.RenameAsync(words[1], words[2]);
                    Console.WriteLine($"renamed {words[1]} -> {words[2]}");
                    return true;
                case "rm" when words.Length is 2 or 3 && (words.Length == 2 || words[1] == "-r"):
                    await client.DeleteAsync(words[^1], recursive: words.Length == 3);
                    Console.WriteLine($"removed {words[^1]} (in the trash until the master's trash delay; undelete brings it back until then)");
                    return true;
                case "trash" when words.Length == 1:
                    Console.WriteLine(string.Join("  ", await client.ListTrashAsync()));
                    return true;
                case "undelete" when words.Length is 2 or 3:
                    await client.UndeleteAsync(words[1], words.Length == 3 ? words[2] : null);
                    Console.WriteLine($"restored {words[1]}{(words.Length == 3 ? $" as {words[2]}" : "")} from the trash");
                    return true;
                case "stat" when words.Length == 2:
                    var status = await client.StatAsync(words[1]);
                    Console.WriteLine(Describe(status));
                    return true;
                case "status" when cluster is not null:
                    PrintStatus();
                    return true;
                case "kill" when words.Length == 2 && cluster is not null:
                    await cluster.KillAsync(NodeId.Parse(words[1]));
                    Console.WriteLine($"{words[1]} stopped");
                    return true;
                case "restart" when words.Length == 2 && cluster is not null:
                    await cluster.RestartAsync(NodeId.Parse(words[1]));
                    Console.WriteLine($"{words[1]} restarted from its data");
                    return true;
                case "help":
                    Console.WriteLine(Help);
                    return true;
                default:
                    Console.WriteLine($"? {Help}");
                    return false;
            }
        }
        catch (Exception exception) when (exception is GfsException or IOException or UnauthorizedAccessException or ArgumentException or FormatException)
        {
            Console.WriteLine($"error: {exception.Message}");
            return false;
        }
    }

    public static string Describe(GfsFileStatus status) => status.IsDirectory
        ? $"{status.Path}: directory, {status.ChunkCount} entries"
        : $"{status.Path}: file, {Size(status.Length)} ({status.Length} bytes as the master last heard), {status.ChunkCount} chunks of {Size(status.ChunkSize)}";

    public static string Size(long bytes) => bytes switch
    {
        >= 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.##} MiB"),
        >= 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.##} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    public static string Elapsed(long started) =>
        string.Create(CultureInfo.InvariantCulture, $"{Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms");

    private static string Rate(long bytes, long started)
    {
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture, $"in {seconds * 1000:0} ms ({bytes / (1024.0 * 1024) / seconds:0.0} MiB/s)");
    }

    private async Task ListAsync(string path)
    {
        var names = await client.ListAsync(path);
        foreach (var name in names)
        {
            var child = path == "/" ? "/" + name : path + "/" + name;
            var status = await client.StatAsync(child);
            Console.WriteLine(status.IsDirectory ? $"  {name}/" : $"  {name,-24} {Size(status.Length)}");
        }

        if (names.Count == 0)
        {
            Console.WriteLine("  (empty)");
        }
        else
        {
            Console.WriteLine("  (file sizes as the master last heard from the chunkservers)");
        }
    }

    /// <summary>Appends one line as a record (the file is created first if missing); GFS picks the offset.</summary>
    private async Task AppendAsync(string path, string text)
    {
        var record = Encoding.UTF8.GetBytes(text + "\n");
        long offset;
        try
        {
            offset = await client.AppendRecordAsync(path, record);
        }
        catch (GfsException exception) when (exception.Code == GfsErrorCode.NotFound)
        {
            await client.CreateFileAsync(path);
            offset = await client.AppendRecordAsync(path, record);
        }

        Console.WriteLine($"appended {record.Length} bytes to {path} at offset {offset}");
    }

    private void PrintStatus()
    {
        foreach (var id in cluster!.MasterIds)
        {
            var master = cluster.Master(id);
            if (master is null)
            {
                Console.WriteLine($"  master {id}: stopped");
                continue;
            }

            var s = master.Server.Node.Status;
            var live = s.IsLeader ? $", chunkservers alive: {string.Join(' ', master.Server.LiveChunkservers)}" : "";
            var acting = master.Server.IsMaster ? $", acting master in epoch {master.Server.Epoch}" : "";
            Console.WriteLine($"  master {id} @ {cluster.AddressOf(id)}: {s.Role}, term {s.Term}{acting}, {master.Server.StateMachine.NamespaceCount} names, {master.Server.StateMachine.ChunkCount} chunks{live}");
        }

        foreach (var id in cluster.ChunkserverIds)
        {
            var chunkserver = cluster.Chunkserver(id);
            if (chunkserver is null)
            {
                Console.WriteLine($"  chunkserver {id}: stopped");
                continue;
            }

            var chunks = chunkserver.Store.List();
            Console.WriteLine($"  chunkserver {id} @ {cluster.AddressOf(id)} ({chunkserver.Rack}): {chunks.Count} replicas, {Size(chunks.Sum(c => c.Length))}, primary for {chunkserver.Server.LeasedChunks.Count}");
        }
    }
}
