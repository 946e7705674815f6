using Cluster.Core;
using Gfs.Tests.Infrastructure;
using static Gfs.Tests.EndToEnd.ReadWriteTests;

namespace Gfs.Tests.EndToEnd;

/// <summary>
/// The consistency model of SOSP'03 §2.7, checked replica by replica: concurrent successful writes leave a region
/// consistent but undefined, a failed write may leave it inconsistent until it is written again, and a record append is
/// defined at the offset it returns, with the padding and duplicates around it skipped by <see cref="GfsRecords"/>. (The
/// defined case of a lone successful write is checked by <see cref="ReadWriteTests"/>.)
/// </summary>
public sealed class ConsistencyTests
{
    [Test]
    public void Concurrent_overlapping_writes_leave_every_replica_identical_with_fragments_of_several_writes()
    {
        Seeds.Run(10, seed =>
        {
            var cluster = new GfsSimCluster(seed, chunkservers: 4, clients: 3);
            cluster.WaitForMaster();
            cluster.Run(() => cluster.Client.CreateFileAsync("/shared"));
            var chunkSize = (int)GfsSimCluster.ChunkSize;

            // Three writers over overlapping ranges that span three chunks; each write is split at chunk boundaries, and each piece
            // is one mutation that the chunk's primary orders among the others.
            var writes = cluster.ClientNodes.Select((_, c) => (Offset: c * 10_000, Data: Pattern(((int)seed * 10) + c, (chunkSize * 2) + 30_000))).ToList();
            cluster.Run(() => Task.WhenAll(cluster.ClientNodes.Select((node, c) => cluster.ClientOn(node).WriteAsync("/shared", writes[c].Offset, writes[c].Data))));

            // Consistent: every replica of every chunk holds the same bytes.
            var file = IdenticalReplicas(cluster, "/shared", $"seed {seed}");
            var end = writes.Max(w => w.Offset + w.Data.Length);
            Assert.That(file, Has.Length.EqualTo(end), $"seed {seed}: the file ends where the last write ends");

            // Undefined: the region is made of pieces of several writes. Between any two boundaries (of a write or of a chunk) one
            // mutation came last, so each such piece is exactly one writer's bytes.
            var boundaries = writes.SelectMany(w => new[] { w.Offset, w.Offset + w.Data.Length })
                .Concat(Enumerable.Range(0, (end / chunkSize) + 1).Select(i => i * chunkSize))
                .Where(b => b <= end).Distinct().Order().ToList();
            var authors = new HashSet<int>();
            for (var i = 0; i + 1 < boundaries.Count; i++)
            {
                var (from, to) = (boundaries[i], boundaries[i + 1]);
                var piece = file[from..to];
                var author = writes.FindIndex(w => w.Offset <= from && to <= w.Offset + w.Data.Length && piece.AsSpan().SequenceEqual(w.Data.AsSpan(from - w.Offset, to - from)));
                Assert.That(author, Is.GreaterThanOrEqualTo(0), $"seed {seed}: bytes [{from}, {to}) are one write's, not a blend or a loss");
                authors.Add(author);
            }

            Assert.That(authors, Has.Count.GreaterThan(1), $"seed {seed}: the region holds fragments of several writes");
        });
    }

    [Test]
    public void A_failed_write_is_reported_and_may_leave_the_replicas_different_until_the_region_is_written_again()
    {
        var patient = new GfsClientOptions
        {
            RpcTimeout = GfsSimCluster.FastClient.RpcTimeout,
            RetryDelay = GfsSimCluster.FastClient.RetryDelay,
            PushPieceBytes = GfsSimCluster.FastClient.PushPieceBytes,
            MaxAttempts = 1,
        };
        var cluster = new GfsSimCluster(seed: 71, chunkservers: 3, client: patient);
        cluster.WaitForMaster();
        var original = Pattern(seed: 1, length: 100_000);
        cluster.Run(async () =>
        {
            await cluster.Client.CreateFileAsync("/w");
            await cluster.Client.WriteAsync("/w", 0, original);
        });
        var chunk = cluster.Leader()!.StateMachine.LookupForTests("/w")[0];
        var (primary, cutOff) = PrimaryAndSecondaryOffTheDataChain(cluster, chunk.Handle);

        // The primary can no longer reach one secondary; the data still reaches every replica along the push chain, so the
        // primary and the other secondary apply the write and the cut-off secondary never hears of it.
        cluster.Simulator.Network.CutOneWay(primary, cutOff);
        var failed = Pattern(seed: 2, length: 30_000);
        var error = cluster.Run(async () =>
        {
            try
            {
                await cluster.Client.WriteAsync("/w", 20_000, failed);
                return null;
            }
            catch (GfsException exception)
            {
                return exception;
            }
        });
        Assert.That(error, Is.Not.Null, "the failed write is reported to the client");
        Assert.That(error!.Code, Is.EqualTo(GfsErrorCode.ReplicaFailed));

        // Inconsistent: the replicas differ in the region; a reader sees one version or the other depending on the replica.
        var atPrimary = ReplicaRange(cluster, primary, chunk.Handle, 20_000, failed.Length);
        var atCutOff = ReplicaRange(cluster, cutOff, chunk.Handle, 20_000, failed.Length);
        Assert.That(atPrimary, Is.EqualTo(failed), "the primary applied the write");
        Assert.That(atCutOff, Is.EqualTo(original.AsSpan(20_000, failed.Length).ToArray()), "the cut-off secondary did not");

        // A later successful write of the region makes it defined again: every replica holds exactly what was written.
        cluster.Simulator.Network.Heal();
        var repair = Pattern(seed: 3, length: 30_000);
        cluster.Run(() => cluster.Client.WriteAsync("/w", 20_000, repair));
        var expected = (byte[])original.Clone();
        repair.CopyTo(expected, 20_000);
        Assert.That(IdenticalReplicas(cluster, "/w", "after the repair"), Is.EqualTo(expected));
        AssertReplicasIdentical(cluster, "/w", expected);
    }

    [Test]
    public void Every_acknowledged_record_is_defined_at_its_offset_and_padding_and_duplicates_are_skipped()
    {
        var cluster = new GfsSimCluster(seed: 72, chunkservers: 3, clients: 2);
        cluster.WaitForMaster();
        cluster.Run(async () =>
        {
            await cluster.Client.CreateFileAsync("/log");
            await cluster.Client.AppendRecordAsync("/log", GfsRecords.Encode(1, [1, 2, 3]));
        });
        var first = cluster.Leader()!.StateMachine.LookupForTests("/log")[0];
        var (primary, cutOff) = PrimaryAndSecondaryOffTheDataChain(cluster, first.Handle);

        // For two seconds the primary cannot reach one secondary: appends fail after the primary and the other secondary applied
        // them, and the clients retry (duplicates at the primary); records that do not fit pad the chunk.
        cluster.Simulator.Network.CutOneWay(primary, cutOff);
        cluster.Simulator.Schedule(TimeSpan.FromSeconds(2), () => cluster.Simulator.Network.Heal());
        var acknowledged = new List<(ulong Id, long Offset, byte[] Record)> { (1, 0, GfsRecords.Encode(1, [1, 2, 3])) };
        cluster.Run(async () =>
        {
            await Task.WhenAll(cluster.ClientNodes.Select(async (node, c) =>
            {
                var client = cluster.ClientOn(node);
                for (var i = 0; i < 30; i++)
                {
                    var id = (ulong)(((c + 1) * 1000) + i);
                    var record = GfsRecords.Encode(id, Pattern((int)id, 3_000 + (i * 577 % 17_000)));
                    var offset = await client.AppendRecordAsync("/log", record);
                    acknowledged.Add((id, offset, record));
                }
            }));
        });

        // Defined at the offset returned, on every replica of the chunk.
        var chunks = cluster.Leader()!.StateMachine.LookupForTests("/log");
        foreach (var (id, offset, record) in acknowledged)
        {
            var handle = chunks[(int)(offset / GfsSimCluster.ChunkSize)].Handle;
            foreach (var (server, _) in cluster.Replicas(handle))
            {
                Assert.That(ReplicaRange(cluster, server, handle, offset % GfsSimCluster.ChunkSize, record.Length), Is.EqualTo(record), $"record {id} at {offset} on {server}");
            }
        }

        // Read through the client, each acknowledged record comes back once, intact.
        var records = ReadRecords(cluster, "/log");
        Assert.That(records.Select(r => r.Id), Is.Unique);
        foreach (var (id, _, record) in acknowledged)
        {
            Assert.That(GfsRecords.Encode(id, records.Single(r => r.Id == id).Payload), Is.EqualTo(record), $"record {id} intact");
        }

        // What was skipped: copies of failed attempts at the primary (dropped as duplicates), and padding at the end of full chunks.
        var atPrimary = chunks.SelectMany(c => cluster.Run(() => cluster.Chunkserver(primary)!.Store.ReadAllAsync(c.Handle))).ToArray();
        var copies = acknowledged.Sum(a => Occurrences(atPrimary, a.Record));
        Assert.That(copies, Is.GreaterThan(acknowledged.Count), "retries left duplicates at the primary");
        Assert.That(GfsRecords.Decode(atPrimary).Select(r => r.Id), Is.Unique.And.SupersetOf(acknowledged.Select(a => a.Id)), "Decode drops the duplicates");
        var padded = chunks.SkipLast(1).Count(c => Ends(cluster, primary, c.Handle, zeros: 1_000));
        Assert.That(chunks, Has.Count.GreaterThan(1), "the records filled more than one chunk");
        Assert.That(padded, Is.GreaterThan(0), "a record that did not fit padded its chunk");
    }

    /// <summary>
    /// The primary of <paramref name="handle"/>'s lease and a secondary that the data push does not reach through the primary
    /// (the push chain is the replica list in order; cutting any other link fails only the forwarded mutation).
    /// </summary>
    private static (NodeId Primary, NodeId Secondary) PrimaryAndSecondaryOffTheDataChain(GfsSimCluster cluster, ulong handle)
    {
        var chain = cluster.Replicas(handle).Select(r => r.Server).OrderBy(s => s.Value).ToList();
        var primary = chain.Single(s => cluster.Chunkserver(s)!.LeasedChunks.Contains(handle));
        var at = chain.IndexOf(primary);
        var secondary = chain.First(s => s != primary && chain.IndexOf(s) != at + 1);
        return (primary, secondary);
    }

    /// <summary>The file's bytes, asserting that every current replica of each chunk holds exactly the same bytes.</summary>
    private static byte[] IdenticalReplicas(GfsSimCluster cluster, string path, string context)
    {
        var file = new List<byte>();
        var chunks = cluster.Leader()!.StateMachine.LookupForTests(path);
        for (var i = 0; i < chunks.Count; i++)
        {
            var (handle, version) = (chunks[i].Handle, chunks[i].Version);
            var replicas = cluster.Replicas(handle).Where(r => r.Info.Version == version).Select(r => r.Server).ToList();
            Assert.That(replicas, Has.Count.GreaterThanOrEqualTo(3), $"{context}: chunk {i} has its replicas");
            var copies = replicas.Select(server => cluster.Run(() => cluster.Chunkserver(server)!.Store.ReadAllAsync(handle))).ToList();
            foreach (var (copy, server) in copies.Zip(replicas))
            {
                Assert.That(copy, Is.EqualTo(copies[0]), $"{context}: chunk {i} on {server} is byte-identical to {replicas[0]}");
            }

            file.AddRange(copies[0]);
            if (i < chunks.Count - 1)
            {
                file.AddRange(new byte[GfsSimCluster.ChunkSize - copies[0].Length]);
            }
        }

        return [.. file];
    }

    private static byte[] ReplicaRange(GfsSimCluster cluster, NodeId server, ulong handle, long offset, int length) =>
        cluster.Run(async () => (await cluster.Chunkserver(server)!.Store.ReadAllAsync(handle)).AsSpan((int)offset, length).ToArray());

    /// <summary>Whether the replica is a full chunk whose last <paramref name="zeros"/> bytes are zero (padding).</summary>
    private static bool Ends(GfsSimCluster cluster, NodeId server, ulong handle, int zeros)
    {
        var bytes = cluster.Run(() => cluster.Chunkserver(server)!.Store.ReadAllAsync(handle));
        return bytes.Length == GfsSimCluster.ChunkSize && bytes.AsSpan(bytes.Length - zeros).IndexOfAnyExcept((byte)0) < 0;
    }

    private static int Occurrences(byte[] haystack, byte[] needle)
    {
        var count = 0;
        for (var at = haystack.AsSpan().IndexOf(needle); at >= 0;)
        {
            count++;
            var next = haystack.AsSpan(at + 1).IndexOf(needle);
            at = next < 0 ? -1 : at + 1 + next;
        }

        return count;
    }
}
