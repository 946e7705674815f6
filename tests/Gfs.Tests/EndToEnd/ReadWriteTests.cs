using Cluster.Core;
using Gfs.Tests.Infrastructure;

namespace Gfs.Tests.EndToEnd;

/// <summary>Writes, reads and record appends through the whole system: master group, chunkservers and client.</summary>
public sealed class ReadWriteTests
{
    [Test]
    public void Written_data_reads_back_across_chunk_boundaries_and_every_replica_holds_it()
    {
        var cluster = new GfsSimCluster(seed: 1);
        cluster.WaitForMaster();
        var data = Pattern(seed: 7, length: (int)(GfsSimCluster.ChunkSize * 2) + 12_345);
        var read = cluster.Run(async () =>
        {
            await cluster.Client.CreateDirectoryAsync("/logs/web");
            await cluster.Client.CreateFileAsync("/logs/web/a");
            await cluster.Client.WriteAsync("/logs/web/a", 0, data);
            var buffer = new byte[data.Length + 100];
            var n = await cluster.Client.ReadAsync("/logs/web/a", 0, buffer);
            return buffer[..n];
        });

        Assert.That(read, Is.EqualTo(data));
        var status = cluster.Run(() => cluster.Client.StatAsync("/logs/web/a"));
        Assert.That(status.ChunkCount, Is.EqualTo(3));
        AssertReplicasIdentical(cluster, "/logs/web/a", data);
    }

    [Test]
    public void A_write_in_the_middle_of_a_file_changes_only_that_range()
    {
        var cluster = new GfsSimCluster(seed: 2);
        cluster.WaitForMaster();
        var data = Pattern(seed: 3, length: 200_000);
        var patch = Pattern(seed: 4, length: 70_000);
        var read = cluster.Run(async () =>
        {
            await cluster.Client.CreateFileAsync("/f");
            await cluster.Client.WriteAsync("/f", 0, data);
            await cluster.Client.WriteAsync("/f", 100_000, patch);
            var buffer = new byte[data.Length];
            Assert.That(await cluster.Client.ReadAsync("/f", 0, buffer), Is.EqualTo(data.Length));
            return buffer;
        });

        patch.CopyTo(data, 100_000);
        Assert.That(read, Is.EqualTo(data));
    }

    [Test]
    public void Writing_past_the_end_adds_the_chunks_between_which_read_as_zeros()
    {
        var cluster = new GfsSimCluster(seed: 3);
        cluster.WaitForMaster();
        var tail = Pattern(seed: 5, length: 1000);
        var offset = (GfsSimCluster.ChunkSize * 2) + 10;
        var read = cluster.Run(async () =>
        {
            await cluster.Client.CreateFileAsync("/sparse");
            await cluster.Client.WriteAsync("/sparse", offset, tail);
            var buffer = new byte[offset + tail.Length];
            var n = await cluster.Client.ReadAsync("/sparse", 0, buffer);
            return buffer[..n];
        });

        Assert.That(read.Length, Is.EqualTo(offset + tail.Length));
        Assert.That(read[..(int)offset].All(b => b == 0), Is.True, "the gap reads as zeros");
        Assert.That(read[(int)offset..], Is.EqualTo(tail));
    }

    [Test]
    public void Reads_past_the_end_return_nothing_and_short_reads_stop_at_the_end()
    {
        var cluster = new GfsSimCluster(seed: 4);
        cluster.WaitForMaster();
        var (past, shortRead) = cluster.Run(async () =>
        {
            await cluster.Client.CreateFileAsync("/small");
            await cluster.Client.WriteAsync("/small", 0, new byte[] { 1, 2, 3 });
            var past = await cluster.Client.ReadAsync("/small", GfsSimCluster.ChunkSize * 5, new byte[10]);
            var shortRead = await cluster.Client.ReadAsync("/small", 1, new byte[10]);
            return (past, shortRead);
        });

        Assert.That(past, Is.Zero);
        Assert.That(shortRead, Is.EqualTo(2));
    }

    [Test]
    public void Concurrent_record_appends_from_many_clients_lose_no_acknowledged_record()
    {
        var cluster = new GfsSimCluster(seed: 5, clients: 4);
        cluster.WaitForMaster();
        cluster.Run(() => cluster.Client.CreateFileAsync("/queue"));
        var acknowledged = new List<(ulong Id, long Offset)>();
        cluster.Run(async () =>
        {
            await Task.WhenAll(cluster.ClientNodes.Select(async (node, c) =>
            {
                var client = cluster.ClientOn(node);
                for (var i = 0; i < 25; i++)
                {
                    var id = (ulong)((c * 1000) + i);
                    var record = GfsRecords.Encode(id, Pattern((int)id, 3000 + (i * 97)));
                    var offset = await client.AppendRecordAsync("/queue", record);
                    acknowledged.Add((id, offset));
                }
            }));
        });

        var records = ReadRecords(cluster, "/queue");
        Assert.That(records.Select(r => r.Id), Is.SupersetOf(acknowledged.Select(a => a.Id)));
        foreach (var (id, offset) in acknowledged)
        {
            Assert.That(records.Single(r => r.Id == id).Payload, Is.EqualTo(Pattern((int)id, 3000 + ((int)(id % 1000) * 97))), $"record {id}");
        }

        Assert.That(acknowledged.Select(a => a.Offset).Distinct().Count(), Is.EqualTo(acknowledged.Count), "every append got its own offset");
    }

    [Test]
    public void A_record_larger_than_a_quarter_chunk_is_refused_with_a_clear_error()
    {
        var cluster = new GfsSimCluster(seed: 6);
        cluster.WaitForMaster();
        var error = cluster.Run(async () =>
        {
            await cluster.Client.CreateFileAsync("/r");
            try
            {
                await cluster.Client.AppendRecordAsync("/r", new byte[(GfsSimCluster.ChunkSize / 4) + 1]);
                return null;
            }
            catch (GfsException e)
            {
                return e;
            }
        });

        Assert.That(error, Is.Not.Null);
        Assert.That(error!.Code, Is.EqualTo(GfsErrorCode.InvalidArgument));
        Assert.That(error.Message, Does.Contain("quarter chunk"));
    }

    [Test]
    public void Streams_write_and_read_a_file_sequentially()
    {
        var cluster = new GfsSimCluster(seed: 7);
        cluster.WaitForMaster();
        var data = Pattern(seed: 9, length: 300_000);
        var read = cluster.Run(async () =>
        {
            await cluster.Client.CreateFileAsync("/s");
            await using (var writer = cluster.Client.OpenWrite("/s", bufferBytes: 50_000))
            {
                for (var i = 0; i < data.Length; i += 7_777)
                {
                    await writer.WriteAsync(data.AsMemory(i, Math.Min(7_777, data.Length - i)));
                }
            }

            await using var reader = await cluster.Client.OpenReadAsync("/s");
            // Stream.CopyToAsync resumes off the caller's context, so the simulated test reads in a loop of its own.
            var copy = new MemoryStream();
            var piece = new byte[40_000];
            int n;
            while ((n = await reader.ReadAsync(piece)) > 0)
            {
                copy.Write(piece, 0, n);
            }

            return copy.ToArray();
        });

        Assert.That(read, Is.EqualTo(data));
    }

    internal static byte[] Pattern(int seed, int length)
    {
        var random = new RandomSource((ulong)seed + 1);
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    internal static IReadOnlyList<GfsRecord> ReadRecords(GfsSimCluster cluster, string path) => cluster.Run(async () =>
    {
        cluster.Client.InvalidateCache();
        var status = await cluster.Client.StatAsync(path);
        var buffer = new byte[status.ChunkCount * GfsSimCluster.ChunkSize];
        var n = await cluster.Client.ReadAsync(path, 0, buffer);
        return GfsRecords.Decode(buffer.AsSpan(0, n));
    });

    /// <summary>Every up-to-date replica of every chunk of the file holds exactly the file's bytes for that chunk.</summary>
    internal static void AssertReplicasIdentical(GfsSimCluster cluster, string path, byte[] expected, bool atLeast = false)
    {
        var leader = cluster.Leader()!;
        var chunks = leader.StateMachine.LookupForTests(path);
        for (var i = 0; i < chunks.Count; i++)
        {
            var (handle, version) = (chunks[i].Handle, chunks[i].Version);
            var start = (int)(i * GfsSimCluster.ChunkSize);
            var want = expected.AsSpan(start, (int)Math.Min(GfsSimCluster.ChunkSize, expected.Length - start)).ToArray();
            var replicas = cluster.Replicas(handle).Where(r => r.Info.Version == version).ToList();
            Assert.That(replicas, atLeast ? Has.Count.GreaterThanOrEqualTo(3) : Has.Count.EqualTo(3), $"chunk {i} has three current replicas");
            foreach (var (server, _) in replicas)
            {
                var bytes = cluster.Run(() => cluster.Chunkserver(server)!.Store.ReadAllAsync(handle));
                Assert.That(bytes, Is.EqualTo(want), $"chunk {i} on {server}");
            }
        }
    }
}
