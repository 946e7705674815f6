using Cluster.Core;
using Haystack.Tests.Infrastructure;

namespace Haystack.Tests.Server;

/// <summary>
/// Replica repair in the simulator: a corrupt replica rebuilt in place, a dead Store's replicas rebuilt elsewhere, a Store
/// that returns caught up before it serves, a repair interrupted by a crash. Every time, each replica is read directly at the
/// end: nothing acknowledged is lost, nothing deleted comes back, and damaged bytes are never served.
/// </summary>
public sealed class ReplicaRepairTests
{
    private static byte[] Photo(int i, int size = 0)
    {
        var bytes = new byte[size > 0 ? size : 1500 + ((i * 397) % 2000)];
        new RandomSource((ulong)i + 1000).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Uploads <paramref name="count"/> photos and returns them with their index (the seed of their bytes).</summary>
    private static List<(PhotoLocation Photo, int Index)> Upload(HaystackSimCluster cluster, int count, int first = 0) =>
        [.. Enumerable.Range(first, count).Select(i => (cluster.Run(() => cluster.Client.UploadAsync(Photo(i))), i))];

    /// <summary>Every replica of every photo's volume serves the live photos' bytes and none of the deleted ones.</summary>
    private static void AssertEveryReplicaServes(HaystackSimCluster cluster, IEnumerable<(PhotoLocation Photo, int Index)> live, IEnumerable<PhotoLocation> deleted)
    {
        var volumes = cluster.Leader()!.StateMachine.Volumes.ToDictionary(v => v.VolumeId);
        foreach (var (photo, index) in live)
        {
            Assert.That(volumes[photo.VolumeId].Replicas, Has.Count.EqualTo(3), $"volume {photo.VolumeId} is back to three replicas");
            foreach (var replica in volumes[photo.VolumeId].Replicas)
            {
                var answer = cluster.ReadFrom(replica.Store, photo);
                Assert.That(answer.Status, Is.EqualTo(StoreStatus.Ok), $"photo {photo} on {replica.Store}: {answer.Message}");
                Assert.That(answer.Data.ToArray(), Is.EqualTo(Photo(index)), $"photo {photo} on {replica.Store}");
            }
        }

        foreach (var photo in deleted)
        {
            foreach (var replica in volumes[photo.VolumeId].Replicas)
            {
                Assert.That(cluster.ReadFrom(replica.Store, photo).Status, Is.EqualTo(StoreStatus.NotFound), $"deleted photo {photo} stays deleted on {replica.Store}");
            }
        }
    }

    [Test]
    public void A_corrupt_replica_is_rebuilt_in_place_and_its_damaged_bytes_are_never_served()
    {
        var cluster = new HaystackSimCluster(seed: 41);
        cluster.WaitForWritableVolumes(2);
        var photos = Upload(cluster, 8);
        var victim = photos[0].Photo;
        var url = cluster.Run(() => cluster.Client.GetUrlAsync(victim));
        var needles = cluster.Store(url.Machine)!.Volume(victim.VolumeId)!;

        // Damage the data of the first photo, the first needle of its volume, on one replica, behind the Store's back.
        cluster.CorruptNeedleData(url.Machine, victim.VolumeId, 64 + 32 + 10);
        var damaged = cluster.ReadFrom(url.Machine, victim);
        Assert.That(damaged.Status, Is.EqualTo(StoreStatus.Corrupt), "the damaged copy is refused, not served");
        Assert.That(damaged.Data.IsEmpty, Is.True);
        Assert.That(
            cluster.Simulator.RunUntil(() => cluster.Leader()?.StateMachine.Volumes.Single(v => v.VolumeId == victim.VolumeId).Replicas.Single(r => r.Store == url.Machine) is { Repairing: true }, TimeSpan.FromSeconds(5)),
            Is.True,
            "the Store reported the corruption and the Directory ordered a repair in place");

        cluster.WaitForRepairs();
        var volume = cluster.Leader()!.StateMachine.Volumes.Single(v => v.VolumeId == victim.VolumeId);
        Assert.That(volume.Replicas.Select(r => r.Store), Does.Contain(url.Machine), "rebuilt where it was");
        Assert.That(volume.Replicas.Select(r => r.Corrupt), Is.All.False);
        Assert.That(needles.Generation, Is.EqualTo(1u), "the damaged bytes were compacted away");
        AssertEveryReplicaServes(cluster, photos, []);
        cluster.AssertDirectoryReplicasAgree();
    }

    [Test]
    public void A_repaired_volume_takes_uploads_again_and_refuses_writes_assigned_before_its_failure() =>
        Seeds.Run(3, seed =>
        {
            var cluster = new HaystackSimCluster(seed, stores: 3);
            cluster.WaitForWritableVolumes(2);
            var photos = Upload(cluster, 4);
            var victim = photos[0].Photo;
            var replicas = cluster.Leader()!.StateMachine.Volumes.Single(v => v.VolumeId == victim.VolumeId).Replicas.Select(r => r.Store).ToList();
            var damaged = replicas[(int)(seed % 3)];

            // An upload assigned before the failure, whose writes are still to come.
            var early = cluster.Run(async () =>
            {
                for (var i = 0; ; i++)
                {
                    var assignment = await cluster.Directory.AssignUploadAsync(1000);
                    if (assignment.VolumeId == victim.VolumeId)
                    {
                        return assignment;
                    }
                }
            });

            cluster.CorruptNeedleData(damaged, victim.VolumeId, 64 + 32 + 10);
            Assert.That(cluster.ReadFrom(damaged, victim).Status, Is.EqualTo(StoreStatus.Corrupt));
            var reopened = cluster.Simulator.RunUntil(
                () => cluster.Leader()?.StateMachine.Volumes.Single(v => v.VolumeId == victim.VolumeId) is { State: LogicalVolumeState.Writable, Epoch: 1 },
                TimeSpan.FromSeconds(20));
            Assert.That(reopened, Is.True, "repaired in place, then writable again under epoch 1: " + cluster.DescribeReplicas());

            // The late writes of the early assignment are refused by every replica: it was made for epoch 0.
            var late = new StoreWriteRequest { VolumeId = early.VolumeId, Key = early.Key, Cookie = 5, Data = Photo(99), Epoch = early.Epoch };
            foreach (var replica in replicas)
            {
                var answer = cluster.Run(() => cluster.ClientBus.RequestAsync<StoreResponse>(replica, late, TimeSpan.FromSeconds(2)));
                Assert.That(answer.Status, Is.EqualTo(StoreStatus.StaleEpoch), $"{replica} refuses a write of the old epoch");
            }

            // New uploads land on the reopened volume, on every replica, the rebuilt one included. (In the heartbeat before every
            // Store has heard that the volume left the read-only list, an upload there is turned away and retried elsewhere.)
            cluster.Simulator.RunFor(TimeSpan.FromSeconds(1));
            var fresh = Enumerable.Range(10, 6).Select(i => (Photo: cluster.Run(() => cluster.Client.UploadAsync(Photo(i))), Index: i)).ToList();
            var info = cluster.Leader()!.StateMachine.Volumes.Single(v => v.VolumeId == victim.VolumeId);
            Assert.That(fresh.Select(p => p.Photo.VolumeId), Does.Contain(victim.VolumeId), $"round-robin reached the reopened volume ({info.State} {info.ReadOnlyReason} free {info.FreeBytes}; {cluster.DescribeReplicas()})");
            Assert.That(cluster.Leader()!.StateMachine.Volumes.Single(v => v.VolumeId == victim.VolumeId).State, Is.EqualTo(LogicalVolumeState.Writable), "no upload was refused there");
            AssertEveryReplicaServes(cluster, [.. photos, .. fresh], []);
            cluster.AssertDirectoryReplicasAgree();
        });

    [Test]
    public void A_dead_store_s_replicas_are_rebuilt_on_another_store_and_nothing_acknowledged_is_lost() =>
        Seeds.Run(3, seed =>
        {
            var cluster = new HaystackSimCluster(seed, stores: 4);
            cluster.WaitForWritableVolumes(2);
            var photos = Upload(cluster, 12);
            var deleted = photos.Where((_, i) => i % 4 == 1).Select(p => p.Photo).ToList();
            foreach (var photo in deleted)
            {
                Assert.That(cluster.Run(() => cluster.Client.DeleteAsync(photo)), Is.True);
            }

            var live = photos.Where(p => !deleted.Contains(p.Photo)).ToList();
            var volumes = photos.Select(p => p.Photo.VolumeId).Distinct().ToList();
            var victim = cluster.Leader()!.StateMachine.Volumes.Single(v => v.VolumeId == volumes[0]).Replicas[(int)(seed % 3)].Store;
            cluster.CrashStore(victim);
            Assert.That(cluster.Simulator.RunUntil(() => cluster.Leader()?.StateMachine.Stores.Single(s => s.Store == victim).IsDown == true, TimeSpan.FromSeconds(10)), Is.True);

            cluster.WaitForRepairs();
            foreach (var volume in cluster.Leader()!.StateMachine.Volumes.Where(v => volumes.Contains(v.VolumeId)))
            {
                Assert.That(volume.Replicas.Select(r => r.Store), Does.Not.Contain(victim), $"volume {volume.VolumeId} no longer counts on the dead Store");
            }

            AssertEveryReplicaServes(cluster, live, deleted);
            foreach (var (photo, index) in live)
            {
                Assert.That(cluster.Run(async () => (await cluster.Client.ReadAsync(photo)).ToArray()), Is.EqualTo(Photo(index)));
            }

            // With the dead replica gone from the volume, deletes work again.
            Assert.That(cluster.Run(() => cluster.Client.DeleteAsync(live[0].Photo)), Is.True);
            cluster.AssertDirectoryReplicasAgree();
        });

    [Test]
    public void A_store_that_comes_back_catches_up_before_it_serves_and_deletes_during_the_repair_stick()
    {
        var cluster = new HaystackSimCluster(seed: 43, stores: 3);
        cluster.WaitForWritableVolumes(2);
        var photos = Upload(cluster, 10);
        var away = cluster.Run(() => cluster.Client.GetUrlAsync(photos[0].Photo)).Machine;
        cluster.Simulator.Network.Isolate(away);

        // A delete while a replica is away lands on the others and is kept by the Directory for the one away.
        var halfDeleted = photos[1].Photo;
        Assert.That(cluster.Run(() => cluster.Client.DeleteAsync(halfDeleted)), Is.True);
        Assert.That(cluster.Simulator.RunUntil(() => cluster.Leader()?.StateMachine.Stores.Single(s => s.Store == away).IsDown == true, TimeSpan.FromSeconds(10)), Is.True);

        cluster.Simulator.Network.Heal();
        Assert.That(cluster.Simulator.RunUntil(() => cluster.Leader()?.StateMachine.Volumes.Any(v => v.Replicas.Any(r => r.Store == away && r.Repairing)) == true, TimeSpan.FromSeconds(10)), Is.True, "repairs start once it is back");

        // Deletes issued while it catches up reach it too, and its repair does not bring them back.
        var deletedDuringRepair = photos[2].Photo;
        Assert.That(cluster.Run(() => cluster.Client.DeleteAsync(deletedDuringRepair)), Is.True);

        cluster.WaitForRepairs();
        AssertEveryReplicaServes(cluster, photos.Where(p => p.Photo != halfDeleted && p.Photo != deletedDuringRepair), [halfDeleted, deletedDuringRepair]);
        cluster.AssertDirectoryReplicasAgree();
    }

    [Test]
    public void A_store_that_crashes_in_the_middle_of_a_rebuild_finishes_it_after_restarting() =>
        Seeds.Run(2, seed =>
        {
            var cluster = new HaystackSimCluster(
                seed,
                stores: 4,
                directory: new DirectoryOptions { VolumeBytes = 1024 * 1024, FullMarginBytes = 8 * 1024, MinWritableVolumes = 1 },
                repairBatchBytes: 64 * 1024);
            cluster.WaitForWritableVolumes(1);
            var photos = Upload(cluster, 60);
            var volumeId = photos[0].Photo.VolumeId;
            var replicas = cluster.Leader()!.StateMachine.Volumes.Single(v => v.VolumeId == volumeId).Replicas.Select(r => r.Store).ToList();
            var spare = cluster.StoreNodes.Single(s => !replicas.Contains(s));
            cluster.CrashStore(replicas[(int)(seed % 3)]);

            // Let the spare copy part of the volume (batches of 64 KiB, about 20 photos each), then crash it too.
            var partway = cluster.Simulator.RunUntil(() => cluster.Store(spare)?.Volume(volumeId) is { NeedleCount: > 0 and < 60 }, TimeSpan.FromSeconds(20));
            Assert.That(partway, Is.True, "the spare was caught partway through its copy");
            cluster.CrashStore(spare);
            cluster.RestartStore(spare);

            cluster.WaitForRepairs();
            Assert.That(cluster.Leader()!.StateMachine.Volumes.Single(v => v.VolumeId == volumeId).Replicas.Select(r => r.Store), Does.Contain(spare));
            AssertEveryReplicaServes(cluster, photos, []);
            cluster.AssertDirectoryReplicasAgree();
        });
}
