using Cluster.Core;
using Gfs.Tests.Infrastructure;
using static Gfs.Tests.EndToEnd.ReadWriteTests;

namespace Gfs.Tests.EndToEnd;

/// <summary>The master's and chunkservers' background work: rebalancing and scrubbing; and hostile requests to a chunkserver.</summary>
public sealed class MaintenanceTests
{
    [Test]
    public void Rebalancing_moves_replicas_onto_chunkservers_that_joined_empty_without_losing_a_copy()
    {
        var master = new MasterOptions
        {
            ChunkSize = GfsSimCluster.FastMaster.ChunkSize,
            LeaseDuration = GfsSimCluster.FastMaster.LeaseDuration,
            ChunkserverTimeout = GfsSimCluster.FastMaster.ChunkserverTimeout,
            MaintenanceInterval = GfsSimCluster.FastMaster.MaintenanceInterval,
            SettleTime = GfsSimCluster.FastMaster.SettleTime,
            ChunkserverRpcTimeout = GfsSimCluster.FastMaster.ChunkserverRpcTimeout,
            RebalanceThreshold = 0.02,
        };
        var cluster = new GfsSimCluster(seed: 41, chunkservers: 5, master: master, capacityBytes: 8L * 1024 * 1024);
        var late = cluster.ChunkserverNodes.Skip(3).ToList();
        foreach (var node in late)
        {
            cluster.CrashChunkserver(node);
        }

        var ok = cluster.Simulator.RunUntil(() => cluster.Leader() is { } leader && leader.LiveChunkservers.Count == 3, TimeSpan.FromSeconds(10));
        Assert.That(ok, Is.True);
        cluster.Simulator.RunFor(master.SettleTime);
        var data = Pattern(seed: 5, length: (int)(GfsSimCluster.ChunkSize * 8));
        cluster.Run(async () =>
        {
            await cluster.Client.CreateFileAsync("/bulk");
            await cluster.Client.WriteAsync("/bulk", 0, data);
        });

        foreach (var node in late)
        {
            cluster.RestartNode(node);
        }

        var balanced = cluster.Simulator.RunUntil(
            () => late.All(n => cluster.Chunkserver(n) is { } server && server.Store.List().Count >= 3),
            TimeSpan.FromSeconds(60));
        Assert.That(balanced, Is.True, "the new chunkservers received replicas: " + string.Join(", ", late.Select(n => $"{n}={cluster.Chunkserver(n)?.Store.List().Count}")));
        cluster.Simulator.RunFor(TimeSpan.FromSeconds(2));
        foreach (var chunk in cluster.Leader()!.StateMachine.LookupForTests("/bulk"))
        {
            Assert.That(cluster.Replicas(chunk.Handle).Count(r => r.Info.Version == chunk.Version), Is.GreaterThanOrEqualTo(3), $"chunk {chunk.Handle} kept three current replicas");
        }

        AssertReplicasIdentical(cluster, "/bulk", data, atLeast: true);
    }

    [Test]
    public void A_chunkserver_back_after_re_replication_leaves_surplus_replicas_that_are_removed_down_to_three_across_racks()
    {
        Seeds.Run(4, seed =>
        {
            var cluster = new GfsSimCluster(seed, chunkservers: 5);
            cluster.WaitForMaster();
            var data = Pattern(seed: (int)seed, length: (int)(GfsSimCluster.ChunkSize * 4) + 5_000);
            cluster.Run(async () =>
            {
                await cluster.Client.CreateFileAsync("/s");
                await cluster.Client.WriteAsync("/s", 0, data);
            });
            var chunks = cluster.Leader()!.StateMachine.LookupForTests("/s");
            var away = cluster.ChunkserverNodes.OrderByDescending(n => cluster.Chunkserver(n)!.Store.List().Count).ThenBy(n => n.Value).First();
            var held = cluster.Chunkserver(away)!.Store.List().Select(c => c.Handle).ToHashSet();

            cluster.CrashChunkserver(away);
            var restored = cluster.Simulator.RunUntil(() => chunks.All(c => Current(cluster, c).Count == 3), TimeSpan.FromSeconds(30));
            Assert.That(restored, Is.True, $"seed {seed}: re-replication restored three copies without {away}");

            // It comes back with its replicas, still current (nothing was written meanwhile): some chunks now have four.
            cluster.RestartNode(away);
            var surplus = cluster.Simulator.RunUntil(() => chunks.Any(c => Current(cluster, c).Count > 3), TimeSpan.FromSeconds(5));
            Assert.That(surplus, Is.True, $"seed {seed}: the returning chunkserver's replicas count again");
            var trimmed = cluster.Simulator.RunUntil(
                () =>
                {
                    foreach (var chunk in chunks)
                    {
                        Assert.That(Current(cluster, chunk), Has.Count.GreaterThanOrEqualTo(3), $"seed {seed}: chunk {chunk.Handle} never drops below the replication factor");
                    }

                    return chunks.All(c => Current(cluster, c).Count == 3);
                },
                TimeSpan.FromSeconds(20));
            Assert.That(trimmed, Is.True, $"seed {seed}: every chunk is back to exactly three replicas: " + string.Join(", ", chunks.Select(c => Current(cluster, c).Count)));
            Assert.That(held.Count, Is.GreaterThan(0));
            foreach (var chunk in chunks)
            {
                var racks = Current(cluster, chunk).Select(n => n.Value % 2).Distinct().Count();
                Assert.That(racks, Is.EqualTo(2), $"seed {seed}: chunk {chunk.Handle} keeps replicas on both racks");
            }

            cluster.Simulator.RunFor(TimeSpan.FromSeconds(2));
            Assert.That(chunks.Select(c => Current(cluster, c).Count), Is.All.EqualTo(3), $"seed {seed}: and stays there");
            AssertReplicasIdentical(cluster, "/s", data);

            // The file is still written and read through the trimmed replica sets.
            var patch = Pattern(seed: 99, length: 40_000);
            patch.CopyTo(data, 100_000);
            cluster.Run(() => cluster.Client.WriteAsync("/s", 100_000, patch));
            var read = cluster.Run(async () =>
            {
                cluster.Client.InvalidateCache();
                var buffer = new byte[data.Length];
                await cluster.Client.ReadAsync("/s", 0, buffer);
                return buffer;
            });
            Assert.That(read, Is.EqualTo(data), $"seed {seed}: the file reads back whole");
        });
    }

    [Test]
    public void Scrubbing_finds_corruption_in_a_chunk_nobody_reads_and_the_master_replaces_it()
    {
        var cluster = new GfsSimCluster(seed: 42);
        cluster.WaitForMaster();
        var data = Pattern(seed: 6, length: 90_000);
        cluster.Run(async () =>
        {
            await cluster.Client.CreateFileAsync("/cold");
            await cluster.Client.WriteAsync("/cold", 0, data);
        });
        cluster.Simulator.RunFor(GfsSimCluster.FastMaster.LeaseDuration * 2);

        var chunk = cluster.Leader()!.StateMachine.LookupForTests("/cold")[0];
        var victim = cluster.Replicas(chunk.Handle)[1].Server;
        cluster.CorruptReplica(victim, chunk.Handle, offset: 1_000);
        var found = cluster.Run(() => cluster.Chunkserver(victim)!.ScrubNextAsync());
        Assert.That(found, Is.EqualTo(((ulong, long)?)(chunk.Handle, 0L)), "the scrub found block 0 of the chunk corrupt");

        var repaired = cluster.Simulator.RunUntil(
            () => cluster.Replicas(chunk.Handle).Count(r => !r.Info.IsCorrupt && r.Info.Version == chunk.Version) == 3 && cluster.Replicas(chunk.Handle).All(r => !r.Info.IsCorrupt),
            TimeSpan.FromSeconds(20));
        Assert.That(repaired, Is.True, "the corrupt replica was deleted and replaced");
        AssertReplicasIdentical(cluster, "/cold", data);
    }

    [Test]
    public void Hostile_requests_to_a_chunkserver_get_clear_refusals_and_change_nothing()
    {
        var cluster = new GfsSimCluster(seed: 43, chunkservers: 3);
        cluster.WaitForMaster();
        var data = Pattern(seed: 7, length: 5_000);
        cluster.Run(async () =>
        {
            await cluster.Client.CreateFileAsync("/h");
            await cluster.Client.WriteAsync("/h", 0, data);
        });
        var chunk = cluster.Leader()!.StateMachine.LookupForTests("/h")[0];
        var server = cluster.ChunkserverNodes.First(n => !cluster.Chunkserver(n)!.LeasedChunks.Contains(chunk.Handle));
        var bus = cluster.ClientBusForTests();
        var answers = cluster.Run(async () => new object[]
        {
            await bus.RequestAsync<ReadChunkResponse>(server, new ReadChunkRequest { Handle = chunk.Handle, Version = chunk.Version + 7, Offset = 0, Length = 10 }),
            await bus.RequestAsync<ReadChunkResponse>(server, new ReadChunkRequest { Handle = chunk.Handle, Version = chunk.Version, Offset = -5, Length = 10 }),
            await bus.RequestAsync<ReadChunkResponse>(server, new ReadChunkRequest { Handle = 999_999, Version = 1, Offset = 0, Length = 10 }),
            await bus.RequestAsync<ChunkResponse>(server, new PushDataRequest { DataId = 1, Offset = 10, TotalLength = 5, Piece = new byte[10] }),
            await bus.RequestAsync<ChunkResponse>(server, new PushDataRequest { DataId = 2, Offset = 0, TotalLength = (int)GfsSimCluster.ChunkSize + 1, Piece = new byte[1] }),
            await bus.RequestAsync<ChunkResponse>(server, new MutateRequest { Kind = MutationKind.Write, Handle = chunk.Handle, Version = chunk.Version, Offset = 0, DataId = 3, Length = 4 }),
            await bus.RequestAsync<ChunkResponse>(server, new MutateRequest { Kind = MutationKind.Pad, Handle = chunk.Handle, Version = chunk.Version }),
            await bus.RequestAsync<ChunkResponse>(server, new MutateRequest { Kind = MutationKind.Write, Handle = chunk.Handle, Version = chunk.Version, Offset = GfsSimCluster.ChunkSize, DataId = 3, Length = 4 }),
            await bus.RequestAsync<ChunkResponse>(server, new ApplyMutationRequest { Kind = MutationKind.Write, Handle = chunk.Handle, Version = chunk.Version - 1, Serial = 99, DataId = 3, Length = 4 }),
            await bus.RequestAsync<ChunkResponse>(server, new ChunkCommand { Kind = ChunkCommandKind.SetVersion, Handle = chunk.Handle, Version = 1_000 }),
        });

        var codes = answers.Select(a => a switch
        {
            ReadChunkResponse r => r.Code,
            ChunkResponse c => c.Code,
            _ => GfsErrorCode.None,
        }).ToList();
        Assert.That(codes, Is.EqualTo(new[]
        {
            GfsErrorCode.StaleVersion,
            GfsErrorCode.InvalidArgument,
            GfsErrorCode.ChunkNotFound,
            GfsErrorCode.InvalidArgument,
            GfsErrorCode.InvalidArgument,
            GfsErrorCode.NotPrimary,
            GfsErrorCode.InvalidArgument,
            GfsErrorCode.InvalidArgument,
            GfsErrorCode.StaleVersion,
            GfsErrorCode.InvalidArgument,
        }));
        Assert.That(answers.OfType<ChunkResponse>().Concat<object>(answers.OfType<ReadChunkResponse>()).All(a => a is ChunkResponse c ? c.Message.Length > 0 : ((ReadChunkResponse)a).Message.Length > 0), Is.True, "every refusal says why");
        var read = cluster.Run(async () =>
        {
            cluster.Client.InvalidateCache();
            var buffer = new byte[data.Length];
            await cluster.Client.ReadAsync("/h", 0, buffer);
            return buffer;
        });
        Assert.That(read, Is.EqualTo(data), "the file is unchanged");
        Assert.That(cluster.Chunkserver(server)!.Store.TryGetInfo(chunk.Handle, out var info) ? info.Version : 0, Is.EqualTo(chunk.Version), "a command from a non-master did not change the version");
    }

    /// <summary>The running chunkservers holding the chunk at its current version (as the leading master knows it).</summary>
    private static List<NodeId> Current(GfsSimCluster cluster, ChunkVersion chunk)
    {
        var version = cluster.Leader()?.StateMachine.LookupForTests("/s").FirstOrDefault(c => c.Handle == chunk.Handle).Version ?? chunk.Version;
        return [.. cluster.Replicas(chunk.Handle).Where(r => r.Info.Version == version && !r.Info.IsCorrupt).Select(r => r.Server)];
    }
}
