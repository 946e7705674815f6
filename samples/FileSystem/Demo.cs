using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Cluster.Core;
using Gfs;

namespace FileSystem;

/// <summary>
/// The scripted tour of the embedded cluster: directories, a multi-chunk file written and read back, record appends from
/// several clients at once, a snapshot with copy-on-write, the master leader and a chunkserver killed mid-run, and
/// re-replication back to three copies. Every claim it prints is checked; any mismatch fails the run.
/// </summary>
internal sealed class Demo(LocalCluster cluster)
{
    private const int Appenders = 4;
    private const int RecordsPerAppender = 60;

    private readonly RandomSource _random = new(2003);
    private readonly HashSet<ulong> _acknowledged = [];
    private readonly Lock _gate = new();
    private GfsClient Client => cluster.Clients[0];

    public async Task<int> RunAsync()
    {
        var begun = Stopwatch.GetTimestamp();
        var leader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
        Console.WriteLine($"   master {leader.Node.Id} leads (term {leader.Node.Status.Term}); chunkservers {Racks()} registered after {Shell.Elapsed(begun)}");
        await DescribeMasterLockAsync(leader);

        // The leader refuses chunk placement while it settles (it learns replica locations from heartbeats first).
        await Task.Delay(FileSystemSettings.Master(cluster.ChunkSize).SettleTime);
        await Step("mkdir /demo/logs", () => Client.CreateDirectoryAsync("/demo/logs"));

        var big = new byte[(int)(cluster.ChunkSize * 5) + 300_000];
        _random.NextBytes(big);
        await Step($"put /demo/big.bin ({Shell.Size(big.Length)})", async () =>
        {
            var started = Stopwatch.GetTimestamp();
            await FileTransfer.PutAsync(Client, new MemoryStream(big), "/demo/big.bin");
            Console.WriteLine($"   written in {Shell.Elapsed(started)} ({Rate(big.Length, started)}), every byte on three chunkservers, fsynced");
        });
        await Step("get /demo/big.bin", () => ExpectContentAsync("/demo/big.bin", big));

        await Step($"append: {Appenders} clients at once, {RecordsPerAppender} records each, to /demo/logs/events", async () =>
        {
            await Client.CreateFileAsync("/demo/logs/events");
            await AppendConcurrentlyAsync(round: 0, during: null);
            await ExpectRecordsAsync("/demo/logs/events");
        });

        await Step("snapshot /demo /snap", async () =>
        {
            var started = Stopwatch.GetTimestamp();
            await Client.SnapshotAsync("/demo", "/snap");
            Console.WriteLine($"   done in {Shell.Elapsed(started)}: no data copied, the chunks are shared");
        });
        await Step("overwrite the first 100 KiB of /demo/big.bin, then read both copies", async () =>
        {
            var patch = new byte[100 * 1024];
            _random.NextBytes(patch);
            var before = (byte[])big.Clone();
            await Client.WriteAsync("/demo/big.bin", 0, patch);
            patch.CopyTo(big, 0);
            await ExpectContentAsync("/demo/big.bin", big);
            await ExpectContentAsync("/snap/big.bin", before);
            Console.WriteLine("   the write copied the shared chunk first (copy-on-write); the snapshot still has the old bytes");
        });
        await Step("stat /demo/big.bin", async () => Console.WriteLine("   " + Shell.Describe(await Client.StatAsync("/demo/big.bin"))));
        await Step("ls /snap", async () => Console.WriteLine("   " + string.Join("  ", await Client.ListAsync("/snap"))));

        var oldLeader = (await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30))).Node.Id;
        await Step($"kill the master leader {oldLeader}", async () =>
        {
            var started = Stopwatch.GetTimestamp();
            await cluster.KillAsync(oldLeader);
            await ExpectContentAsync("/demo/big.bin", big);
            var newLeader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
            Console.WriteLine($"   reads went on (chunk locations were cached); master {newLeader.Node.Id} leads in term {newLeader.Node.Status.Term}");
            await DescribeMasterLockAsync(newLeader);
            await Client.CreateDirectoryAsync("/demo/after-failover");
            Console.WriteLine($"   and took a namespace change {Shell.Elapsed(started)} after the kill");
        });

        NodeId? victim = null;
        var killedAt = 0L;
        await Step("append again, killing a chunkserver part way", async () =>
        {
            await AppendConcurrentlyAsync(round: 1, during: async () =>
            {
                // The primary of the chunk being appended to is the most interesting one to lose.
                var chosen = cluster.RunningChunkservers.OrderByDescending(c => c.Server.LeasedChunks.Count).ThenBy(c => c.Server.Id.Value).First();
                victim = chosen.Server.Id;
                var primaries = chosen.Server.LeasedChunks.Count;
                var held = chosen.Store.List().Count;
                await cluster.KillAsync(chosen.Server.Id);
                killedAt = Stopwatch.GetTimestamp();
                Console.WriteLine($"   killed chunkserver {victim} ({chosen.Rack}, {held} replicas, primary of {primaries} chunks)");
            });
            Console.WriteLine("   (appends to a chunk of the dead server pause until their call to it times out; the master then leases the chunk to the survivors)");
            await ExpectRecordsAsync("/demo/logs/events");
        });

        await Step("read everything back with a chunkserver down", async () =>
        {
            Client.InvalidateCache();
            await ExpectContentAsync("/demo/big.bin", big);
            await ExpectContentAsync("/snap/big.bin", null);
        });

        await Step("wait for re-replication", async () =>
        {
            var (chunks, underReplicated) = await WaitForThreeCopiesAsync(TimeSpan.FromSeconds(90));
            if (underReplicated > 0)
            {
                throw new DemoFailedException($"{underReplicated} of {chunks} chunks still have fewer than three current copies");
            }

            Console.WriteLine($"   all {chunks} chunks have three current copies on the {cluster.RunningChunkservers.Count()} live chunkservers again, {Shell.Elapsed(killedAt)} after the kill (a chunkserver counts as dead after {FileSystemSettings.Master(cluster.ChunkSize).ChunkserverTimeout.TotalSeconds:0} s of silence)");
        });

        await Step("rm -r /snap", () => Client.DeleteAsync("/snap", recursive: true));
        await Step("ls /", async () => Console.WriteLine("   " + string.Join("  ", await Client.ListAsync("/"))));
        Console.WriteLine($"demo ok in {Stopwatch.GetElapsedTime(begun).TotalSeconds:0.0} s: nothing acknowledged was lost (chunkserver {victim} and master {oldLeader} stay down; data stays under {cluster.DataFolder})");
        return 0;
    }

    /// <summary>With Chubby: checks and prints that the master holds the lock, which epoch it acts in, and that the lock file names it.</summary>
    private async Task DescribeMasterLockAsync(MasterServer master)
    {
        if (!cluster.UsesChubby)
        {
            return;
        }

        var named = await cluster.MasterInLockFileAsync();
        if (named != master.Node.Id)
        {
            throw new DemoFailedException($"the lock file {FileSystemSettings.MasterLockPath} names {named}, not the master {master.Node.Id}");
        }

        var epochs = cluster.RunningChunkservers.Select(c => c.Server.MasterEpoch).Distinct().ToList();
        Console.WriteLine($"   it holds the Chubby lock {FileSystemSettings.MasterLockPath} (generation {master.StateMachine.LockGeneration}) and acts in epoch {master.Epoch}; " +
                          $"the lock file names it, and the chunkservers know epoch {string.Join('/', epochs)} and refuse older ones");
    }

    private static async Task Step(string title, Func<Task> body)
    {
        Console.WriteLine($"> {title}");
        await body();
    }

    private static string Rate(long bytes, long started) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024) / Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} MiB/s");

    private string Racks() => string.Join(", ", cluster.RunningChunkservers.GroupBy(c => c.Rack).OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => $"{string.Join(' ', g.Select(c => c.Server.Id))} on {g.Key}"));

    /// <summary>Reads a file through a client and checks it against <paramref name="expected"/> (or only that it reads, when null).</summary>
    private async Task ExpectContentAsync(string path, byte[]? expected)
    {
        var started = Stopwatch.GetTimestamp();
        var read = await FileTransfer.ReadAllAsync(Client, path);
        if (expected is not null && !read.AsSpan().SequenceEqual(expected))
        {
            throw new DemoFailedException($"{path} read back {read.Length} bytes that differ from the {expected.Length} written");
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(read))[..12];
        Console.WriteLine($"   {path}: {Shell.Size(read.Length)} read in {Shell.Elapsed(started)}, sha256 {hash}…{(expected is null ? "" : ", as written")}");
    }

    /// <summary>
    /// Several clients append self-identifying records at once; <paramref name="during"/> runs once a third of them is acknowledged.
    /// </summary>
    private async Task AppendConcurrentlyAsync(int round, Func<Task>? during)
    {
        var started = Stopwatch.GetTimestamp();
        var payloads = Enumerable.Range(0, Appenders * RecordsPerAppender).Select(_ => (int)_random.Next(100, 4_000)).ToArray();
        var done = 0;
        var fired = during is null ? Task.CompletedTask : null;
        var fire = new Lock();
        long bytes = 0;
        await Task.WhenAll(Enumerable.Range(0, Appenders).Select(async a =>
        {
            var client = cluster.Clients[a % cluster.Clients.Count];
            for (var i = 0; i < RecordsPerAppender; i++)
            {
                var id = ((ulong)(uint)(round + 1) << 40) | ((ulong)(uint)a << 20) | (uint)i;
                var payload = new byte[payloads[(a * RecordsPerAppender) + i]];
                payload.AsSpan().Fill((byte)('a' + a));
                var record = GfsRecords.Encode(id, payload);
                await client.AppendRecordAsync("/demo/logs/events", record);
                Interlocked.Add(ref bytes, record.Length);
                lock (_gate)
                {
                    _acknowledged.Add(id);
                }

                if (Interlocked.Increment(ref done) == Appenders * RecordsPerAppender / 3)
                {
                    lock (fire)
                    {
                        fired ??= during!();
                    }
                }
            }
        }));
        await (fired ?? Task.CompletedTask);
        Console.WriteLine($"   {done} records ({Shell.Size(bytes)}) acknowledged in {Shell.Elapsed(started)}, {done / Stopwatch.GetElapsedTime(started).TotalSeconds:0} appends/s");
    }

    /// <summary>Reads the log back and checks that every acknowledged record is in it, each once after dropping duplicates.</summary>
    private async Task ExpectRecordsAsync(string path)
    {
        var data = await FileTransfer.ReadAllAsync(Client, path);
        var records = GfsRecords.Decode(data);
        var ids = records.Select(r => r.Id).ToHashSet();
        int acknowledged;
        int missing;
        lock (_gate)
        {
            acknowledged = _acknowledged.Count;
            missing = _acknowledged.Count(id => !ids.Contains(id));
        }

        var payloadBytes = records.Sum(r => (long)r.Payload.Length + GfsRecords.HeaderBytes);
        Console.WriteLine($"   read back {Shell.Size(data.Length)}: {records.Count} distinct valid records, {acknowledged - missing} of {acknowledged} acknowledged ones present; " +
                          $"{Shell.Size(data.Length - payloadBytes)} of padding, duplicates and leftovers of failed attempts skipped");
        if (missing > 0)
        {
            throw new DemoFailedException($"{missing} acknowledged records are missing from {path}");
        }
    }

    /// <summary>Waits until every chunk on a live chunkserver has three replicas at its highest version; returns the chunk count and how many fall short.</summary>
    private async Task<(int Chunks, int UnderReplicated)> WaitForThreeCopiesAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var replicas = cluster.RunningChunkservers.SelectMany(c => c.Store.List()).Where(c => !c.IsCorrupt).GroupBy(c => c.Handle).ToList();
            var under = replicas.Count(g => g.Count(c => c.Version == g.Max(x => x.Version)) < 3);
            if (under == 0 || Stopwatch.GetTimestamp() > deadline)
            {
                return (replicas.Count, under);
            }

            await Task.Delay(200);
        }
    }
}
