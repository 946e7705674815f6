using Cluster.Core;
using Haystack.Tests.Infrastructure;

namespace Haystack.Tests.Server;

/// <summary>
/// Deletes while a replica's Store is down: acknowledged once the live replicas have them and the Directory has logged the
/// rest, replayed to the Store when it returns, and never undone, even when the replica that missed them outlives the others.
/// </summary>
public sealed class PendingDeleteTests
{
    private static byte[] Photo(int i)
    {
        var bytes = new byte[1200 + (i * 37)];
        new RandomSource((ulong)i + 500).NextBytes(bytes);
        return bytes;
    }

    private static int Pending(HaystackSimCluster cluster, uint volumeId, NodeId store) =>
        cluster.Leader()?.StateMachine.Volumes.Single(v => v.VolumeId == volumeId).Replicas.SingleOrDefault(r => r.Store == store)?.PendingDeletes ?? -1;

    [Test]
    public void A_delete_while_a_store_is_down_is_acknowledged_and_replayed_when_it_returns() =>
        Seeds.Run(3, seed =>
        {
            var cluster = new HaystackSimCluster(seed, stores: 3);
            cluster.WaitForWritableVolumes(2);
            var photos = Enumerable.Range(0, 6).Select(i => (Photo: cluster.Run(() => cluster.Client.UploadAsync(Photo(i))), Index: i)).ToList();
            var victim = photos[0].Photo;
            var down = cluster.StoreNodes[(int)(seed % 3)];
            cluster.CrashStore(down);

            Assert.That(cluster.Run(() => cluster.Client.DeleteAsync(victim)), Is.True, "acknowledged by the live replicas and kept by the Directory");
            Assert.That(Pending(cluster, victim.VolumeId, down), Is.EqualTo(1));
            Assert.Throws<NeedleNotFoundException>(() => cluster.Run(() => cluster.Client.ReadAsync(victim)));

            cluster.RestartStore(down);
            Assert.That(cluster.Simulator.RunUntil(() => Pending(cluster, victim.VolumeId, down) == 0, TimeSpan.FromSeconds(10)), Is.True, "the returning Store applied and confirmed the delete");
            Assert.That(cluster.ReadFrom(down, victim).Status, Is.Not.EqualTo(StoreStatus.Ok), "the returned replica does not serve it");
            cluster.WaitForRepairs();
            cluster.Simulator.RunFor(TimeSpan.FromSeconds(1)); // the Store hears in a heartbeat that its repair is over
            Assert.That(cluster.ReadFrom(down, victim).Status, Is.EqualTo(StoreStatus.NotFound));
            foreach (var (photo, index) in photos.Skip(1))
            {
                Assert.That(cluster.Run(async () => (await cluster.Client.ReadAsync(photo)).ToArray()), Is.EqualTo(Photo(index)));
            }

            cluster.AssertDirectoryReplicasAgree();
        });

    [Test]
    public void A_returning_store_serves_no_photo_of_a_volume_before_the_directory_has_answered_it() =>
        Seeds.Run(3, seed =>
        {
            var cluster = new HaystackSimCluster(seed, stores: 3);
            cluster.WaitForWritableVolumes(2);
            var photos = Enumerable.Range(0, 6).Select(i => (Photo: cluster.Run(() => cluster.Client.UploadAsync(Photo(i))), Index: i)).ToList();
            var victim = photos[0].Photo;
            var kept = photos.Skip(1).First(p => p.Photo.VolumeId == victim.VolumeId);
            var down = cluster.StoreNodes[(int)(seed % 3)];
            cluster.CrashStore(down);
            Assert.That(cluster.Run(() => cluster.Client.DeleteAsync(victim)), Is.True);

            // Back, but cut off from the Directory: it cannot learn of the delete it missed, so it must not serve the volume.
            cluster.Simulator.Network.Partition([down], cluster.DirectoryNodes);
            cluster.RestartStore(down);
            cluster.Simulator.RunFor(TimeSpan.FromSeconds(3));
            Assert.That(cluster.ReadFrom(down, victim).Status, Is.EqualTo(StoreStatus.Unavailable), "the deleted photo is not served");
            Assert.That(cluster.ReadFrom(down, kept.Photo).Status, Is.EqualTo(StoreStatus.Unavailable), "nor any other of that volume, until the Directory answers");
            Assert.That(cluster.Run(() => cluster.Client.DeleteAsync(victim)), Is.False, "the live replicas no longer have it");

            cluster.Simulator.Network.Heal();
            Assert.That(cluster.Simulator.RunUntil(() => Pending(cluster, victim.VolumeId, down) == 0, TimeSpan.FromSeconds(10)), Is.True, "the Store caught up once it could hear the Directory");
            Assert.That(cluster.ReadFrom(down, victim).Status, Is.Not.EqualTo(StoreStatus.Ok), "the deleted photo stays unserved");
            Assert.That(cluster.Run(async () => (await cluster.Client.ReadAsync(kept.Photo)).ToArray()), Is.EqualTo(Photo(kept.Index)));
        });

    [Test]
    public void A_delete_the_directory_cannot_keep_still_drops_the_photo_from_the_caches_and_fails()
    {
        var cluster = new HaystackSimCluster(7, stores: 3);
        cluster.WaitForWritableVolumes(2);
        var photo = cluster.Run(() => cluster.Client.UploadAsync(Photo(1)));
        var url = cluster.Run(() => cluster.Client.GetUrlAsync(photo, HaystackSimCluster.CacheNode));
        Assert.That(cluster.Run(async () => (await cluster.Client.ReadAsync(url)).ToArray()), Is.EqualTo(Photo(1)));
        Assert.That(cluster.Cache.Count, Is.EqualTo(1));
        cluster.CrashStore(url.Machine);

        // The live replicas delete at once; the crashed one times out after 500 ms, and by then the Directory is out of reach,
        // so the delete it should keep for that replica cannot be logged.
        Task<bool>? delete = null;
        cluster.Run(() =>
        {
            delete = cluster.Client.DeleteAsync(photo);
            return Task.CompletedTask;
        });
        cluster.Simulator.RunFor(TimeSpan.FromMilliseconds(100));
        Assert.That(delete!.IsCompleted, Is.False, "waiting for the crashed replica");
        cluster.Simulator.Network.Partition([HaystackSimCluster.ClientNode], cluster.DirectoryNodes);
        Assert.That(cluster.Simulator.RunUntil(() => delete.IsCompleted, TimeSpan.FromSeconds(60)), Is.True);

        Assert.That(delete.Exception?.InnerException, Is.TypeOf<PhotoUnavailableException>().And.Message.Contain("Directory"));
        Assert.That(delete.Exception!.InnerException!.InnerException, Is.Not.Null, "the Directory's failure is kept as the cause");
        Assert.That(cluster.Cache.Count, Is.Zero, "the Cache dropped the photo the live replicas no longer hold");
    }

    [Test]
    public void A_replica_that_missed_a_delete_does_not_bring_the_photo_back_when_it_is_the_last_one_left() =>
        Seeds.Run(3, seed =>
        {
            var cluster = new HaystackSimCluster(seed, stores: 3);
            cluster.WaitForWritableVolumes(2);
            var photos = Enumerable.Range(0, 6).Select(i => (Photo: cluster.Run(() => cluster.Client.UploadAsync(Photo(i))), Index: i)).ToList();
            var victim = photos[0].Photo;
            var survivor = cluster.StoreNodes[(int)(seed % 3)];
            cluster.CrashStore(survivor);
            Assert.That(cluster.Run(() => cluster.Client.DeleteAsync(victim)), Is.True);

            // The replicas that took the delete are lost for good; only the one that missed it comes back, once the Directory
            // has given up on the others (so there is no replica to rebuild it from).
            foreach (var other in cluster.StoreNodes.Where(s => s != survivor))
            {
                cluster.CrashStore(other);
            }

            var allDown = cluster.Simulator.RunUntil(() => cluster.Leader()?.StateMachine.Stores.All(s => s.IsDown) == true, TimeSpan.FromSeconds(10));
            Assert.That(allDown, Is.True, "the Directory marked every Store down");
            cluster.RestartStore(survivor);
            var healed = cluster.Simulator.RunUntil(
                () => cluster.Leader() is { } leader && leader.StateMachine.Volumes.Single(v => v.VolumeId == victim.VolumeId).Replicas.Single(r => r.Store == survivor).Healthy,
                TimeSpan.FromSeconds(20));
            Assert.That(healed, Is.True, "the last replica serves again once it confirmed the delete: " + cluster.DescribeReplicas());
            Assert.That(cluster.ReadFrom(survivor, victim).Status, Is.EqualTo(StoreStatus.NotFound), "the deleted photo stays deleted");
            Assert.Throws<NeedleNotFoundException>(() => cluster.Run(() => cluster.Client.ReadAsync(victim)));
            foreach (var (photo, index) in photos.Skip(1).Where(p => p.Photo.VolumeId == victim.VolumeId))
            {
                Assert.That(cluster.ReadFrom(survivor, photo).Data.ToArray(), Is.EqualTo(Photo(index)), $"photo {photo} is still there");
            }
        });
}
