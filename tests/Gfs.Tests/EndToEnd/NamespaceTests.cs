using Gfs.Tests.Infrastructure;
using static Gfs.Tests.EndToEnd.ReadWriteTests;

namespace Gfs.Tests.EndToEnd;

/// <summary>Namespace operations, snapshots and garbage collection through the master group.</summary>
public sealed class NamespaceTests
{
    [Test]
    public void A_snapshot_shares_chunks_until_a_write_copies_them_and_keeps_its_contents()
    {
        var cluster = new GfsSimCluster(seed: 31);
        cluster.WaitForMaster();
        var original = Pattern(seed: 1, length: 200_000);
        var patch = Pattern(seed: 2, length: 10_000);
        cluster.Run(async () =>
        {
            await cluster.Client.CreateDirectoryAsync("/home/user");
            await cluster.Client.CreateFileAsync("/home/user/data");
            await cluster.Client.WriteAsync("/home/user/data", 0, original);
            await cluster.Client.CreateDirectoryAsync("/save");
            await cluster.Client.SnapshotAsync("/home/user", "/save/user");
        });

        var machine = cluster.Leader()!.StateMachine;
        Assert.That(machine.LookupForTests("/save/user/data").Select(c => c.Handle), Is.EqualTo(machine.LookupForTests("/home/user/data").Select(c => c.Handle)), "the snapshot shares the chunks");
        var chunksBefore = machine.ChunkCount;

        cluster.Run(() => cluster.Client.WriteAsync("/home/user/data", 5_000, patch));

        Assert.That(machine.ChunkCount, Is.EqualTo(chunksBefore + 1), "only the written chunk was copied");
        Assert.That(machine.LookupForTests("/home/user/data")[0].Handle, Is.Not.EqualTo(machine.LookupForTests("/save/user/data")[0].Handle));
        var (live, saved) = cluster.Run(async () =>
        {
            var a = new byte[original.Length];
            var b = new byte[original.Length];
            await cluster.Client.ReadAsync("/home/user/data", 0, a);
            await cluster.Client.ReadAsync("/save/user/data", 0, b);
            return (a, b);
        });

        Assert.That(saved, Is.EqualTo(original), "the snapshot kept the old contents");
        var expected = (byte[])original.Clone();
        patch.CopyTo(expected, 5_000);
        Assert.That(live, Is.EqualTo(expected), "the file has the write");
    }

    [Test]
    public void Deleted_files_vanish_at_once_and_their_chunks_are_reclaimed_after_the_trash_delay()
    {
        var cluster = new GfsSimCluster(seed: 32);
        cluster.WaitForMaster();
        cluster.Run(async () =>
        {
            await cluster.Client.CreateDirectoryAsync("/tmp/job");
            for (var i = 0; i < 3; i++)
            {
                await cluster.Client.CreateFileAsync($"/tmp/job/part-{i}");
                await cluster.Client.WriteAsync($"/tmp/job/part-{i}", 0, Pattern(i, 150_000));
            }
        });
        var handles = Enumerable.Range(0, 3).SelectMany(i => cluster.Leader()!.StateMachine.LookupForTests($"/tmp/job/part-{i}")).Select(c => c.Handle).ToList();
        Assert.That(cluster.StoredHandles(), Is.SupersetOf(handles));

        var error = cluster.Run(async () =>
        {
            try
            {
                await cluster.Client.DeleteAsync("/tmp/job");
                return GfsErrorCode.None;
            }
            catch (GfsException e)
            {
                return e.Code;
            }
        });
        Assert.That(error, Is.EqualTo(GfsErrorCode.DirectoryNotEmpty));

        cluster.Run(() => cluster.Client.DeleteAsync("/tmp/job", recursive: true));
        Assert.That(cluster.Run(() => cluster.Client.ListAsync("/tmp")), Is.Empty);
        var reclaimed = cluster.Simulator.RunUntil(() => !cluster.StoredHandles().Overlaps(handles), TimeSpan.FromSeconds(20));
        Assert.That(reclaimed, Is.True, "every replica of the deleted files' chunks was removed by garbage collection");
        Assert.That(cluster.Leader()!.StateMachine.ChunkCount, Is.Zero);
    }

    [Test]
    public void A_deleted_tree_is_undeleted_from_the_trash_with_its_contents_until_it_is_reclaimed()
    {
        var master = new MasterOptions
        {
            ChunkSize = GfsSimCluster.FastMaster.ChunkSize,
            LeaseDuration = GfsSimCluster.FastMaster.LeaseDuration,
            ChunkserverTimeout = GfsSimCluster.FastMaster.ChunkserverTimeout,
            MaintenanceInterval = GfsSimCluster.FastMaster.MaintenanceInterval,
            SettleTime = GfsSimCluster.FastMaster.SettleTime,
            ChunkserverRpcTimeout = GfsSimCluster.FastMaster.ChunkserverRpcTimeout,
            TrashDelay = TimeSpan.FromSeconds(30),
        };
        var cluster = new GfsSimCluster(seed: 39, master: master);
        cluster.WaitForMaster();
        var files = Enumerable.Range(0, 3).Select(i => Pattern(100 + i, 90_000 + (i * 70_000))).ToList();
        cluster.Run(async () =>
        {
            await cluster.Client.CreateDirectoryAsync("/job/out");
            for (var i = 0; i < files.Count; i++)
            {
                await cluster.Client.CreateFileAsync($"/job/out/part-{i}");
                await cluster.Client.WriteAsync($"/job/out/part-{i}", 0, files[i]);
            }

            await cluster.Client.DeleteAsync("/job", recursive: true);
        });
        Assert.That(cluster.Run(() => cluster.Client.ListAsync("/")), Is.Empty, "deleted: gone from the namespace");
        Assert.That(cluster.Run(() => cluster.Client.ListTrashAsync()), Is.EqualTo(new[] { "/job" }), "and in the trash");

        // Well past a maintenance round or two, but within the trash delay: nothing reclaimed, and the tree comes back whole.
        cluster.Simulator.RunFor(TimeSpan.FromSeconds(5));
        cluster.Run(() => cluster.Client.UndeleteAsync("/job"));
        Assert.That(cluster.Run(() => cluster.Client.ListAsync("/job/out")), Is.EqualTo(new[] { "part-0", "part-1", "part-2" }));
        Assert.That(cluster.Run(() => cluster.Client.ListTrashAsync()), Is.Empty, "the trash entry was renamed back");
        for (var i = 0; i < files.Count; i++)
        {
            Assert.That(ReadAll(cluster, $"/job/out/part-{i}", files[i].Length), Is.EqualTo(files[i]), $"part-{i} kept its contents");
        }

        // Restored files are live files: written again, deleted again, and restored under another name.
        var patch = Pattern(7, 10_000);
        patch.CopyTo(files[0], 0);
        cluster.Run(async () =>
        {
            await cluster.Client.WriteAsync("/job/out/part-0", 0, patch);
            await cluster.Client.DeleteAsync("/job/out/part-0");
            await cluster.Client.CreateFileAsync("/job/out/part-0");
        });
        Assert.That(Code(cluster, () => cluster.Client.UndeleteAsync("/job/out/part-0")), Is.EqualTo(GfsErrorCode.AlreadyExists), "the name is taken again");
        cluster.Run(() => cluster.Client.UndeleteAsync("/job/out/part-0", "/job/out/part-0.old"));
        Assert.That(ReadAll(cluster, "/job/out/part-0.old", files[0].Length), Is.EqualTo(files[0]), "restored under another name, with the write");
        Assert.That(Code(cluster, () => cluster.Client.UndeleteAsync("/job/out/part-0")), Is.EqualTo(GfsErrorCode.NotFound), "nothing of that name is left in the trash");
        Assert.That(Code(cluster, () => cluster.Client.UndeleteAsync("/never")), Is.EqualTo(GfsErrorCode.NotFound));

        // Once reclaimed, a deletion is final.
        cluster.Run(() => cluster.Client.DeleteAsync("/job/out/part-1"));
        cluster.Simulator.RunFor(master.TrashDelay + TimeSpan.FromSeconds(2));
        Assert.That(Code(cluster, () => cluster.Client.UndeleteAsync("/job/out/part-1")), Is.EqualTo(GfsErrorCode.NotFound), "reclaimed after the trash delay");
        Assert.That(ReadAll(cluster, "/job/out/part-2", files[2].Length), Is.EqualTo(files[2]), "the undeleted files' chunks were not reclaimed with it");
    }

    [Test]
    public void Rename_moves_a_tree_and_list_and_stat_describe_it()
    {
        var cluster = new GfsSimCluster(seed: 33);
        cluster.WaitForMaster();
        var (list, stat, dirStat) = cluster.Run(async () =>
        {
            await cluster.Client.CreateDirectoryAsync("/a/b");
            await cluster.Client.CreateFileAsync("/a/b/x");
            await cluster.Client.CreateFileAsync("/a/b/y");
            await cluster.Client.WriteAsync("/a/b/y", 0, new byte[1000]);
            await cluster.Client.RenameAsync("/a", "/c");
            return (await cluster.Client.ListAsync("/c/b"), await cluster.Client.StatAsync("/c/b/y"), await cluster.Client.StatAsync("/c"));
        });

        Assert.That(list, Is.EqualTo(new[] { "x", "y" }));
        Assert.That(stat.IsDirectory, Is.False);
        Assert.That(stat.ChunkCount, Is.EqualTo(1));
        Assert.That(dirStat.IsDirectory, Is.True);
        Assert.That(cluster.Run(() => Code(() => cluster.Client.StatAsync("/a"))), Is.EqualTo(GfsErrorCode.NotFound));
    }

    [TestCase("relative/path", GfsErrorCode.InvalidPath)]
    [TestCase("/double//slash", GfsErrorCode.InvalidPath)]
    [TestCase("/dot/../escape", GfsErrorCode.InvalidPath)]
    [TestCase("/trailing/", GfsErrorCode.InvalidPath)]
    [TestCase("/missing/parent/file", GfsErrorCode.NotFound)]
    public void Bad_paths_get_clear_errors(string path, GfsErrorCode expected)
    {
        var cluster = new GfsSimCluster(seed: 34, chunkservers: 3);
        cluster.WaitForMaster();
        var (code, message) = cluster.Run(async () =>
        {
            try
            {
                await cluster.Client.CreateFileAsync(path);
                return (GfsErrorCode.None, "");
            }
            catch (GfsException e)
            {
                return (e.Code, e.Message);
            }
        });

        Assert.That(code, Is.EqualTo(expected));
        Assert.That(message, Does.Contain(path.Split('/')[0] == "relative" ? "start with '/'" : "'"));
    }

    [Test]
    public void Misuse_of_files_and_directories_is_refused_with_the_reason()
    {
        var cluster = new GfsSimCluster(seed: 35, chunkservers: 3);
        cluster.WaitForMaster();
        var codes = cluster.Run(async () =>
        {
            await cluster.Client.CreateDirectoryAsync("/d");
            await cluster.Client.CreateFileAsync("/d/f");
            return new[]
            {
                await Code(() => cluster.Client.CreateFileAsync("/d/f")),
                await Code(() => cluster.Client.CreateFileAsync("/d/f/g")),
                await Code(() => cluster.Client.WriteAsync("/d", 0, new byte[10])),
                await Code(() => cluster.Client.ReadAsync("/nope", 0, new byte[10])),
                await Code(() => cluster.Client.RenameAsync("/d", "/d/inside")),
                await Code(() => cluster.Client.DeleteAsync("/")),
            };
        });

        Assert.That(codes, Is.EqualTo(new[]
        {
            GfsErrorCode.AlreadyExists,
            GfsErrorCode.NotADirectory,
            GfsErrorCode.IsADirectory,
            GfsErrorCode.NotFound,
            GfsErrorCode.InvalidArgument,
            GfsErrorCode.InvalidArgument,
        }));
    }

    [Test]
    public void A_retried_create_after_a_lost_answer_is_answered_from_the_retry_cache_not_failed()
    {
        var cluster = new GfsSimCluster(seed: 36, chunkservers: 3);
        cluster.WaitForMaster();
        var leader = cluster.Leader()!.Node.Id;

        // Drop every answer from the leader for a while: the create is applied, its answer lost, and the client retries.
        foreach (var client in cluster.ClientNodes)
        {
            cluster.Simulator.Network.CutOneWay(leader, client);
        }

        cluster.Simulator.Schedule(TimeSpan.FromMilliseconds(900), () => cluster.Simulator.Network.Heal());
        var code = cluster.Run(() => Code(() => cluster.Client.CreateFileAsync("/once")));
        Assert.That(code, Is.EqualTo(GfsErrorCode.None), "the retry got the first attempt's answer, not AlreadyExists");
        Assert.That(cluster.Run(() => cluster.Client.ListAsync("/")), Is.EqualTo(new[] { "once" }));
    }

    [Test]
    public void The_same_seed_gives_the_same_trace()
    {
        ulong RunOnce()
        {
            var cluster = new GfsSimCluster(seed: 37, clients: 2);
            cluster.WaitForMaster();
            cluster.Run(() => cluster.Client.CreateFileAsync("/t"));
            FailureTests.AppendConcurrently(cluster, "/t", perClient: 10);
            return cluster.Simulator.TraceHash;
        }

        var first = RunOnce();
        var second = RunOnce();
        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void The_master_reports_its_metadata_per_chunk()
    {
        var cluster = new GfsSimCluster(seed: 38);
        cluster.WaitForMaster();
        cluster.Run(async () =>
        {
            await cluster.Client.CreateFileAsync("/big");
            await cluster.Client.WriteAsync("/big", 0, new byte[GfsSimCluster.ChunkSize * 20]);
        });

        var perChunk = cluster.Leader()!.MetadataBytesPerChunk;
        Assert.That(perChunk, Is.GreaterThan(0).And.LessThan(64), "the paper kept under 64 bytes per chunk");
    }

    private static async Task<GfsErrorCode> Code(Func<Task> call)
    {
        try
        {
            await call();
            return GfsErrorCode.None;
        }
        catch (GfsException e)
        {
            return e.Code;
        }
    }

    private static GfsErrorCode Code(GfsSimCluster cluster, Func<Task> call) => cluster.Run(() => Code(call));

    private static byte[] ReadAll(GfsSimCluster cluster, string path, int length) => cluster.Run(async () =>
    {
        cluster.Client.InvalidateCache();
        var buffer = new byte[length + 1];
        var n = await cluster.Client.ReadAsync(path, 0, buffer);
        return buffer[..n];
    });
}
