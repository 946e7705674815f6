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
