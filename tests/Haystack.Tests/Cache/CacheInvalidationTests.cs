using Cluster.Core;
using Cluster.Simulation;
using Haystack.Tests.Infrastructure;

namespace Haystack.Tests.Cache;

/// <summary>A delete reaches the Cache (a node of its own) over the network, so a deleted photo is not served from memory.</summary>
public sealed class CacheInvalidationTests
{
    private static byte[] Photo(int i, int size = 1000)
    {
        var bytes = new byte[size];
        new RandomSource((ulong)i + 1).NextBytes(bytes);
        return bytes;
    }

    [Test]
    public void A_deleted_photo_is_not_served_by_the_cache_afterwards() =>
        Seeds.Run(3, seed =>
        {
            var cluster = new HaystackSimCluster(seed);
            cluster.WaitForWritableVolumes(2);
            var photo = cluster.Run(() => cluster.Client.UploadAsync(Photo(1)));
            var url = cluster.Run(() => cluster.Client.GetUrlAsync(photo, HaystackSimCluster.CacheNode));
            cluster.Run(() => cluster.Client.ReadAsync(url));
            cluster.Run(() => cluster.Client.ReadAsync(url));
            Assert.That((cluster.Cache.Hits, cluster.Cache.Count), Is.EqualTo((1L, 1)), "the photo was cached and served from memory");

            Assert.That(cluster.Run(() => cluster.Client.DeleteAsync(photo)), Is.True);
            Assert.That(cluster.Cache.Count, Is.Zero, "the delete dropped it from the Cache before it returned");
            Assert.Throws<NeedleNotFoundException>(() => cluster.Run(() => cluster.Client.ReadAsync(url)));
            Assert.That(cluster.Cache.Hits, Is.EqualTo(1L), "the read after the delete was not a hit");
        });

    [Test]
    public void A_cache_miss_that_left_before_a_delete_does_not_bring_the_photo_back()
    {
        var cluster = new HaystackSimCluster(seed: 31);
        cluster.WaitForWritableVolumes(2);
        var photo = cluster.Run(() => cluster.Client.UploadAsync(Photo(2)));
        var url = cluster.Run(() => cluster.Client.GetUrlAsync(photo, HaystackSimCluster.CacheNode));

        // The Store's answer to the Cache takes 300 ms: the Store reads the photo, then the delete (and its invalidation) runs
        // to completion while that answer is still on its way.
        var slow = TimeSpan.FromMilliseconds(300);
        cluster.Simulator.Network.SetLink(url.Machine, HaystackSimCluster.CacheNode, new LinkOptions { MinLatency = slow, MaxLatency = slow });
        Task<ReadOnlyMemory<byte>>? read = null;
        cluster.Run(() =>
        {
            read = cluster.Client.ReadAsync(url);
            return Task.CompletedTask;
        });
        cluster.Simulator.RunFor(TimeSpan.FromMilliseconds(20));
        Assert.That(read!.IsCompleted, Is.False, "the miss is waiting for the Store");
        Assert.That(cluster.Run(() => cluster.Client.DeleteAsync(photo)), Is.True);
        Assert.That(read.IsCompleted, Is.False, "the delete finished while the miss was in flight");

        Assert.That(cluster.Simulator.RunUntil(() => read.IsCompleted, TimeSpan.FromSeconds(5)), Is.True);
        Assert.That(read.Result.ToArray(), Is.EqualTo(Photo(2)), "the read began before the delete, so it may return the photo");
        Assert.That(cluster.Cache.Count, Is.Zero, "but the Cache did not keep it");
        cluster.Simulator.Network.SetLink(url.Machine, HaystackSimCluster.CacheNode, null);
        Assert.Throws<NeedleNotFoundException>(() => cluster.Run(() => cluster.Client.ReadAsync(url)));
    }

    [Test]
    public void A_delete_that_cannot_reach_the_cache_is_reported_and_succeeds_when_repeated()
    {
        var cluster = new HaystackSimCluster(seed: 37);
        cluster.WaitForWritableVolumes(2);
        var photo = cluster.Run(() => cluster.Client.UploadAsync(Photo(3)));
        var url = cluster.Run(() => cluster.Client.GetUrlAsync(photo, HaystackSimCluster.CacheNode));
        cluster.Run(() => cluster.Client.ReadAsync(url));
        Assert.That(cluster.Cache.Count, Is.EqualTo(1));

        cluster.Simulator.Network.Disconnect(HaystackSimCluster.ClientNode, HaystackSimCluster.CacheNode);
        var failed = Assert.Throws<PhotoUnavailableException>(() => cluster.Run(() => cluster.Client.DeleteAsync(photo)));
        Assert.That(failed!.Message, Does.Contain("Cache"));
        Assert.That(cluster.Cache.Count, Is.EqualTo(1), "the unreachable Cache still holds it, and the caller knows");

        cluster.Simulator.Network.Heal();
        Assert.That(cluster.Run(() => cluster.Client.DeleteAsync(photo)), Is.False, "the Stores had already deleted it");
        Assert.That(cluster.Cache.Count, Is.Zero, "the repeated delete reached the Cache");
    }

    [Test]
    public void A_photo_whose_invalidation_was_lost_stops_being_served_when_its_time_to_live_runs_out() =>
        Seeds.Run(3, seed =>
        {
            var cluster = new HaystackSimCluster(seed);
            cluster.WaitForWritableVolumes(2);
            var photo = cluster.Run(() => cluster.Client.UploadAsync(Photo(4)));
            var url = cluster.Run(() => cluster.Client.GetUrlAsync(photo, HaystackSimCluster.CacheNode));
            cluster.Run(() => cluster.Client.ReadAsync(url));
            Assert.That(cluster.Cache.Count, Is.EqualTo(1));

            // The invalidation is lost: the delete reaches every Store but not the Cache.
            cluster.Simulator.Network.Disconnect(HaystackSimCluster.ClientNode, HaystackSimCluster.CacheNode);
            Assert.Throws<PhotoUnavailableException>(() => cluster.Run(() => cluster.Client.DeleteAsync(photo)));
            cluster.Simulator.Network.Heal();
            Assert.That(cluster.ReadFrom(url.Machine, photo).Status, Is.EqualTo(StoreStatus.NotFound), "the Store deleted it");
            Assert.That(cluster.Run(() => cluster.Client.ReadAsync(url)).ToArray(), Is.EqualTo(Photo(4)), "the Cache still serves it within its time to live");

            cluster.Simulator.RunFor(HaystackSimCluster.CacheTimeToLive);
            Assert.Throws<NeedleNotFoundException>(() => cluster.Run(() => cluster.Client.ReadAsync(url)));
            Assert.That((cluster.Cache.Expirations, cluster.Cache.Count), Is.EqualTo((1L, 0)), "the expired photo was dropped, not served");
        });
}
