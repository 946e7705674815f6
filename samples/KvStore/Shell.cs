using System.Diagnostics;
using Cluster.Core;
using Raft.Core;

namespace KvStore;

/// <summary>The command line: put, get, delete, status, kill and restart (the last two only with the embedded cluster).</summary>
public sealed class Shell(RaftClient client, LocalCluster? cluster)
{
    private const string Help = "commands: put KEY VALUE | get KEY | delete KEY | status | kill nX | restart nX | bench N | help | quit";

    public async Task<int> RunAsync(TextReader input, bool interactive)
    {
        Console.WriteLine(Help);
        var failures = 0;
        while (true)
        {
            if (interactive)
            {
                Console.Write("> ");
            }

            var line = await input.ReadLineAsync();
            if (line is null || line.Trim() is "quit" or "exit")
            {
                return failures == 0 ? 0 : 1;
            }

            if (!interactive && line.Trim().Length > 0)
            {
                Console.WriteLine($"> {line.Trim()}");
            }

            if (!await ExecuteAsync(line))
            {
                failures++;
            }
        }
    }

    /// <summary>A scripted tour: writes, a leader killed mid-way, a restart that catches up, and the data checked at the end.</summary>
    public async Task<int> RunDemoAsync()
    {
        var script = new[]
        {
            "status", "put greeting hello", "put answer 42", "get greeting", "kill-leader", "put after-kill still-works",
            "get answer", "restart-all", "wait-caught-up", "status", "bench 2000", "delete greeting", "get greeting", "status",
        };
        foreach (var line in script)
        {
            Console.WriteLine($"> {line}");
            if (!await ExecuteAsync(line))
            {
                return 1;
            }
        }

        var answer = await client.QueryAsync<KeyValueQuery, string?>(new KeyValueQuery("after-kill"));
        Console.WriteLine(answer == "still-works" ? "demo ok: nothing acknowledged was lost" : "demo FAILED: a write was lost");
        return answer == "still-works" ? 0 : 1;
    }

    private async Task<bool> ExecuteAsync(string line)
    {
        var words = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 0)
        {
            return true;
        }

        try
        {
            switch (words[0])
            {
                case "put" when words.Length == 3:
                    var previous = await client.ExecuteAsync<KeyValueCommand, string?>(new KeyValueCommand(words[1], words[2]));
                    Console.WriteLine(previous is null ? "ok" : $"ok (was {previous})");
                    return true;
                case "delete" when words.Length == 2:
                    var deleted = await client.ExecuteAsync<KeyValueCommand, string?>(new KeyValueCommand(words[1], null));
                    Console.WriteLine(deleted is null ? "ok (no such key)" : $"ok (was {deleted})");
                    return true;
                case "get" when words.Length == 2:
                    var value = await client.QueryAsync<KeyValueQuery, string?>(new KeyValueQuery(words[1]));
                    Console.WriteLine(value ?? "(none)");
                    return true;
                case "status":
                    PrintStatus();
                    return true;
                case "kill" when words.Length == 2 && cluster is not null:
                    await cluster.KillAsync(NodeId.Parse(words[1]));
                    Console.WriteLine($"{words[1]} stopped");
                    return true;
                case "kill-leader" when cluster is not null:
                    var leader = await WaitForLeaderAsync();
                    await cluster.KillAsync(leader);
                    Console.WriteLine($"{leader} (the leader) stopped");
                    return true;
                case "restart" when words.Length == 2 && cluster is not null:
                    await cluster.RestartAsync(NodeId.Parse(words[1]));
                    Console.WriteLine($"{words[1]} restarted from its data");
                    return true;
                case "restart-all" when cluster is not null:
                    foreach (var id in cluster.Members)
                    {
                        await cluster.RestartAsync(id);
                    }

                    Console.WriteLine("every stopped replica restarted from its data");
                    return true;
                case "wait-caught-up" when cluster is not null:
                    await WaitCaughtUpAsync();
                    return true;
                case "bench" when words.Length == 2 && int.TryParse(words[1], out var count) && count > 0:
                    await BenchAsync(count);
                    return true;
                case "help":
                    Console.WriteLine(Help);
                    return true;
                default:
                    Console.WriteLine($"? {Help}");
                    return false;
            }
        }
        catch (Exception exception) when (exception is TimeoutException or InvalidOperationException or ArgumentException or FormatException)
        {
            Console.WriteLine($"error: {exception.Message}");
            return false;
        }
    }

    private async Task BenchAsync(int count)
    {
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
            await client.ExecuteAsync<KeyValueCommand, string?>(new KeyValueCommand($"bench{i % 100}", $"{i}")));
        var elapsed = Stopwatch.GetElapsedTime(started);
        Console.WriteLine($"{count} writes from 64 concurrent callers in {elapsed.TotalMilliseconds:0} ms ({count / elapsed.TotalSeconds:0} writes/s, fsync on every batch)");
    }

    private async Task WaitCaughtUpAsync()
    {
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var statuses = cluster!.Running.Select(r => r.Node.Status).ToList();
            var leader = statuses.FirstOrDefault(s => s.IsLeader);
            if (leader is not null && statuses.Count == cluster.Members.Count && statuses.All(s => s.AppliedIndex >= leader.CommitIndex && s.Leader == leader.Id))
            {
                Console.WriteLine($"every replica follows {leader.Id} and has applied {leader.CommitIndex} ({Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms)");
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The replicas did not catch up within 10 s.");
    }

    private async Task<NodeId> WaitForLeaderAsync()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var leader = cluster!.Running.Select(r => r.Node.Status).FirstOrDefault(s => s.IsLeader);
            if (leader is not null)
            {
                return leader.Id;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("No leader was elected within 10 s.");
    }

    private void PrintStatus()
    {
        if (cluster is null)
        {
            Console.WriteLine($"client session {client.ClientId}, leader {client.Leader}");
            return;
        }

        foreach (var id in cluster.Members)
        {
            var replica = cluster.Replica(id);
            if (replica is null)
            {
                Console.WriteLine($"{id}: stopped");
                continue;
            }

            var s = replica.Node.Status;
            Console.WriteLine($"{id} @ {replica.Address.Host}:{replica.Address.Port}: {s.Role}, term {s.Term}, leader {s.Leader}, commit {s.CommitIndex}, applied {s.AppliedIndex}, snapshot {s.SnapshotIndex}");
        }
    }
}
