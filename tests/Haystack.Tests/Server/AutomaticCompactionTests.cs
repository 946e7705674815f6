using Cluster.Core;
using Haystack.Tests.Infrastructure;

namespace Haystack.Tests.Server;

/// <summary>
/// Stores compact their volumes on their own once deletes leave enough dead bytes: one volume at a time per Store, with a
/// pause between compactions; the space comes back and every live photo still reads on every replica.
/// </summary>
public sealed class AutomaticCompactionTests
{
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(5);

    private static byte[] Photo(int i)
    {
        var bytes = new byte[3000];
        new RandomSource((ulong)i + 77).NextBytes(bytes);
        return bytes;
    }

    [Test]
    public void Deleted_bytes_past_the_threshold_are_compacted_away_one_volume_at_a_time_per_store() =>
        Seeds.Run(3, seed =>
        {
            // A volume passes the threshold with the third of its photos deleted (three needles and tombstones), not before, so
            // no compaction starts while the deletes of that volume are still coming.
            var cluster = new HaystackSimCluster(seed, stores: 3, minCompactionReclaimableBytes: 9000, compactionPause: Pause);
            cluster.WaitForWritableVolumes(2);
            var photos = Enumerable.Range(0, 8).Select(i => (Photo: cluster.Run(() => cluster.Client.UploadAsync(Photo(i))), Index: i)).ToList();
            var volumeIds = photos.Select(p => p.Photo.VolumeId).Distinct().Order().ToList();
            Assert.That(volumeIds, Has.Count.EqualTo(2), "round-robin spread the uploads over both writable volumes");

            // Delete three of each volume's four photos: three quarters of each volume file become reclaimable.
            var deleted = volumeIds.SelectMany(v => photos.Where(p => p.Photo.VolumeId == v).Take(3)).ToList();
            foreach (var (photo, _) in deleted)
            {
                Assert.That(cluster.Run(() => cluster.Client.DeleteAsync(photo)), Is.True);
            }

            var live = photos.Except(deleted).ToList();
            var sizesBefore = cluster.StoreNodes.ToDictionary(s => s, s => volumeIds.Sum(v => cluster.Store(s)!.Volume(v)!.SizeBytes));

            // Within a second every Store compacts one of its two volumes, and only one: the pause holds the second back.
            cluster.Simulator.RunFor(TimeSpan.FromSeconds(1));
            foreach (var store in cluster.StoreNodes)
            {
                var generations = volumeIds.Select(v => cluster.Store(store)!.Volume(v)!.Generation).ToList();
                Assert.That((cluster.Store(store)!.CompactionsCompleted, generations.Count(g => g > 0)), Is.EqualTo((1, 1)), $"{store} compacted one volume so far");
            }

            cluster.Simulator.RunFor(Pause + TimeSpan.FromSeconds(1));
            foreach (var store in cluster.StoreNodes)
            {
                var server = cluster.Store(store)!;
                Assert.That(server.CompactionsCompleted, Is.EqualTo(2), $"{store} compacted its second volume after the pause");
                foreach (var volumeId in volumeIds)
                {
                    Assert.That(server.Volume(volumeId)!.ReclaimableBytes, Is.Zero, $"volume {volumeId} on {store} holds only live needles");
                }

                Assert.That(volumeIds.Sum(v => server.Volume(v)!.SizeBytes), Is.LessThan(sizesBefore[store] / 2), $"{store} got the space back");
            }

            foreach (var (photo, index) in live)
            {
                foreach (var store in cluster.StoreNodes)
                {
                    var answer = cluster.ReadFrom(store, photo);
                    Assert.That((answer.Status, answer.Data.ToArray()), Is.EqualTo((StoreStatus.Ok, Photo(index))), $"photo {photo} on {store}");
                }
            }

            foreach (var (photo, _) in deleted)
            {
                Assert.That(cluster.ReadFrom(cluster.StoreNodes[0], photo).Status, Is.EqualTo(StoreStatus.NotFound), $"deleted photo {photo} stays deleted");
            }

            cluster.Simulator.RunFor(Pause * 3);
            Assert.That(cluster.StoreNodes.Select(s => cluster.Store(s)!.CompactionsCompleted), Is.All.EqualTo(2), "nothing left to reclaim, nothing compacted again");
        });
}
