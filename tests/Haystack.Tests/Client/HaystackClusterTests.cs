using Cluster.Core;
using Haystack.Tests.Infrastructure;

namespace Haystack.Tests.Client;

/// <summary>
/// A Directory of three, four Stores, a Cache and a client in the simulator: uploads, reads and deletes through Directory
/// failover, a Store failing during uploads, corruption on one replica, and hostile requests.
/// </summary>
public sealed class HaystackClusterTests
{
    private static byte[] Photo(int i, int size = 0)
    {
        var bytes = new byte[size > 0 ? size : 200 + ((i * 397) % 3000)];
        new RandomSource((ulong)i + 1).NextBytes(bytes);
        return bytes;
    }

    [Test]
    public void Upload_read_and_delete_round_trip() =>
        Seeds.Run(3, seed =>
        {
            var cluster = new HaystackSimCluster(seed);
            cluster.WaitForWritableVolumes(2);
            var photo = cluster.Run(() => cluster.Client.UploadAsync(Photo(1), alternateKey: 2));
            var read = cluster.Run(async () => (await cluster.Client.ReadAsync(photo)).ToArray());
            Assert.That(read, Is.EqualTo(Photo(1)));

            var url = cluster.Run(() => cluster.Client.GetUrlAsync(photo));
            Assert.That(PhotoUrl.Parse(url.ToString()), Is.EqualTo(url));
            Assert.That(cluster.Run(() => cluster.Client.DeleteAsync(photo)), Is.True);
            Assert.Throws<NeedleNotFoundException>(() => cluster.Run(() => cluster.Client.ReadAsync(photo)));
            Assert.That(cluster.Run(() => cluster.Client.DeleteAsync(photo)), Is.False, "deleting twice finds nothing");
            cluster.AssertDirectoryReplicasAgree();
        });

    [Test]
    public void Uploads_complete_exactly_once_across_a_Directory_leader_crash_and_read_back() =>
        Seeds.Run(4, seed =>
        {
            var cluster = new HaystackSimCluster(seed);
            cluster.WaitForWritableVolumes(2);
            var uploads = new List<Task<PhotoLocation>>();
            cluster.Run(() =>
            {
                for (var i = 0; i < 12; i++)
                {
                    uploads.Add(cluster.Client.UploadAsync(Photo(i)));
                }

                return Task.CompletedTask;
            });

            // Crash the leader while the uploads are in flight.
            cluster.Simulator.RunFor(TimeSpan.FromMilliseconds(5 + (seed % 40)));
            var leader = cluster.Leader()!.Node.Id;
            cluster.CrashDirectory(leader);
            Assert.That(cluster.Simulator.RunUntil(() => uploads.TrueForAll(u => u.IsCompleted), TimeSpan.FromSeconds(30)), Is.True, "uploads finished");
            var photos = uploads.Select(u => u.Result).ToList();
            Assert.That(photos.Select(p => p.Key), Is.Unique, "no key handed out twice");
            for (var i = 0; i < photos.Count; i++)
            {
                Assert.That(cluster.Run(async () => (await cluster.Client.ReadAsync(photos[i])).ToArray()), Is.EqualTo(Photo(i)), $"photo {i}");
            }

            cluster.RestartDirectory(leader);
            cluster.Simulator.RunFor(TimeSpan.FromSeconds(2));
            cluster.AssertDirectoryReplicasAgree();
            var assigned = cluster.Leader()!.StateMachine.Volumes.Sum(v => v.UploadsAssigned);
            Assert.That((ulong)assigned, Is.EqualTo(cluster.Leader()!.StateMachine.NextKey - 1), "every key went to exactly one assignment");
        });

    [Test]
    public void A_Directory_leader_cut_off_from_the_rest_does_not_stop_uploads_or_reads() =>
        Seeds.Run(3, seed =>
        {
            var cluster = new HaystackSimCluster(seed);
            cluster.WaitForWritableVolumes(2);
            var before = cluster.Run(() => cluster.Client.UploadAsync(Photo(1)));
            var leader = cluster.Leader()!.Node.Id;
            cluster.Simulator.Network.Isolate(leader);
            var during = cluster.Run(() => cluster.Client.UploadAsync(Photo(2)));
            Assert.That(cluster.Run(async () => (await cluster.Client.ReadAsync(before)).ToArray()), Is.EqualTo(Photo(1)));
            Assert.That(cluster.Run(async () => (await cluster.Client.ReadAsync(during)).ToArray()), Is.EqualTo(Photo(2)));
            Assert.That(during.Key, Is.Not.EqualTo(before.Key));
            cluster.Simulator.Network.Heal();
            cluster.Simulator.RunFor(TimeSpan.FromSeconds(2));
            cluster.AssertDirectoryReplicasAgree();
        });

    [Test]
    public void A_Store_failing_during_uploads_sends_them_to_other_volumes_and_nothing_is_half_acknowledged() =>
        Seeds.Run(3, seed =>
        {
            var cluster = new HaystackSimCluster(seed, stores: 4);
            cluster.WaitForWritableVolumes(2);
            var victim = cluster.StoreNodes[(int)(seed % 4)];
            cluster.CrashStore(victim);
            var photos = new List<PhotoLocation>();
            for (var i = 0; i < 6; i++)
            {
                photos.Add(cluster.Run(() => cluster.Client.UploadAsync(Photo(i))));
            }

            var volumes = cluster.Run(() => cluster.Directory.ListVolumesAsync());
            foreach (var photo in photos)
            {
                var volume = volumes.Single(v => v.VolumeId == photo.VolumeId);
                Assert.That(volume.Replicas.Select(r => r.Store), Does.Not.Contain(victim), "acknowledged only where every replica is up");
            }

            foreach (var volume in volumes.Where(v => v.Replicas.Any(r => r.Store == victim)))
            {
                Assert.That(volume.State, Is.Not.EqualTo(LogicalVolumeState.Writable), $"volume {volume.VolumeId} holds a replica on the failed Store");
            }

            for (var i = 0; i < photos.Count; i++)
            {
                Assert.That(cluster.Run(async () => (await cluster.Client.ReadAsync(photos[i])).ToArray()), Is.EqualTo(Photo(i)));
            }

            cluster.AssertDirectoryReplicasAgree();
        });

    [Test]
    public void A_Store_that_stops_heartbeating_is_marked_down_by_the_leader()
    {
        var cluster = new HaystackSimCluster(seed: 5, stores: 4);
        cluster.WaitForWritableVolumes(2);
        var victim = cluster.StoreNodes[1];
        cluster.CrashStore(victim);
        Assert.That(cluster.Simulator.RunUntil(() => cluster.Leader()?.StateMachine.Stores.Single(s => s.Store == victim).IsAlive == false, TimeSpan.FromSeconds(5)), Is.True);
        var volumes = cluster.Leader()!.StateMachine.Volumes;
        Assert.That(volumes.Where(v => v.Replicas.Any(r => r.Store == victim)).Select(v => v.State), Is.All.EqualTo(LogicalVolumeState.ReadOnly));
        cluster.WaitForWritableVolumes(2);
        Assert.That(cluster.Leader()!.StateMachine.Volumes.Where(v => v.State == LogicalVolumeState.Writable).SelectMany(v => v.Replicas).Select(r => r.Store), Does.Not.Contain(victim));
    }

    [Test]
    public void A_corrupt_replica_is_reported_and_the_read_is_served_from_another()
    {
        var cluster = new HaystackSimCluster(seed: 7);
        cluster.WaitForWritableVolumes(2);
        var data = Photo(3, size: 1000);
        var photo = cluster.Run(() => cluster.Client.UploadAsync(data));
        var url = cluster.Run(() => cluster.Client.GetUrlAsync(photo));

        // The volume holds only this needle: its data starts after the superblock and the needle header.
        cluster.CorruptNeedleData(url.Machine, photo.VolumeId, 64 + 32 + 100);
        Assert.That(cluster.Run(async () => (await cluster.Client.ReadAsync(url)).ToArray()), Is.EqualTo(data));

        Assert.That(cluster.Simulator.RunUntil(
            () => cluster.Leader()?.StateMachine.Volumes.Single(v => v.VolumeId == photo.VolumeId).ReadOnlyReason == VolumeReadOnlyReason.Corruption,
            TimeSpan.FromSeconds(5)), Is.True, "the Store reported the corruption");
        var volume = cluster.Leader()!.StateMachine.Volumes.Single(v => v.VolumeId == photo.VolumeId);
        Assert.That(volume.Replicas.Single(r => r.Store == url.Machine).Corrupt, Is.True);
        var location = cluster.Run(() => cluster.Directory.LocateAsync(photo.VolumeId, photo.Key));
        Assert.That(location!.Replicas[^1], Is.EqualTo(url.Machine), "later reads go to the healthy replicas first");
        cluster.AssertDirectoryReplicasAgree();
    }

    [Test]
    public void Hostile_requests_get_clear_errors()
    {
        var cluster = new HaystackSimCluster(seed: 11, maxUploadBytes: 4096);
        cluster.WaitForWritableVolumes(2);
        var photo = cluster.Run(() => cluster.Client.UploadAsync(Photo(1, size: 500)));
        var url = cluster.Run(() => cluster.Client.GetUrlAsync(photo));

        var wrongCookie = url with { Photo = photo with { Cookie = photo.Cookie ^ 1 } };
        Assert.Throws<CookieMismatchException>(() => cluster.Run(() => cluster.Client.ReadAsync(wrongCookie)));
        Assert.Throws<CookieMismatchException>(() => cluster.Run(() => cluster.Client.DeleteAsync(wrongCookie.Photo)));
        Assert.That(cluster.Run(async () => (await cluster.Client.ReadAsync(photo)).Length), Is.EqualTo(500), "a refused delete deleted nothing");

        var unknownVolume = new PhotoLocation(999, photo.Key, 0, photo.Cookie);
        Assert.Throws<UnknownVolumeException>(() => cluster.Run(() => cluster.Client.ReadAsync(unknownVolume)));
        Assert.Throws<UnknownVolumeException>(() => cluster.Run(() => cluster.Client.DeleteAsync(unknownVolume)));
        Assert.Throws<NeedleNotFoundException>(() => cluster.Run(() => cluster.Client.ReadAsync(url with { Photo = photo with { Key = photo.Key + 1000 } })));

        var tooLarge = Assert.Throws<ArgumentOutOfRangeException>(() => cluster.Run(() => cluster.Client.UploadAsync(new byte[4097])));
        Assert.That(tooLarge!.Message, Does.Contain("4096"));
        var raw = cluster.Run(() => cluster.ClientBus.RequestAsync<StoreResponse>(
            url.Machine, new StoreWriteRequest { VolumeId = photo.VolumeId, Key = 1, Cookie = 1, Data = new byte[5000] }, TimeSpan.FromSeconds(1)));
        Assert.That(raw.Status, Is.EqualTo(StoreStatus.TooLarge), "the Store refuses it too");
        Assert.Throws<PhotoUrlFormatException>(() => PhotoUrl.Parse("/7/12/3,1?nothex"));
        cluster.AssertDirectoryReplicasAgree();
    }

    [Test]
    public void A_URL_naming_a_machine_or_cache_that_does_not_exist_is_served_and_blames_no_replica()
    {
        var cluster = new HaystackSimCluster(seed: 19);
        cluster.WaitForWritableVolumes(2);
        var photo = cluster.Run(() => cluster.Client.UploadAsync(Photo(4, size: 700)));
        var url = cluster.Run(() => cluster.Client.GetUrlAsync(photo, HaystackSimCluster.CacheNode));
        var outsider = cluster.StoreNodes.First(s => cluster.Leader()!.StateMachine.Volumes.Single(v => v.VolumeId == photo.VolumeId).Replicas.All(r => r.Store != s));
        foreach (var hostile in new[] { url with { Machine = new NodeId(999) }, url with { Machine = outsider }, url with { Cache = new NodeId(998) }, url with { Cache = NodeId.None, Machine = new NodeId(997) } })
        {
            Assert.That(cluster.Run(async () => (await cluster.Client.ReadAsync(hostile)).ToArray()), Is.EqualTo(Photo(4, size: 700)), hostile.ToString());
        }

        cluster.Simulator.RunFor(TimeSpan.FromSeconds(1));
        var volume = cluster.Leader()!.StateMachine.Volumes.Single(v => v.VolumeId == photo.VolumeId);
        Assert.That(volume.State, Is.EqualTo(LogicalVolumeState.Writable), "no replica was blamed for a node the URL made up");
        Assert.That(volume.Replicas.Select(r => r.Healthy), Is.All.True);
    }

    [Test]
    public void Full_volumes_turn_read_only_and_new_ones_take_the_uploads()
    {
        var cluster = new HaystackSimCluster(seed: 13);
        cluster.WaitForWritableVolumes(2);
        var photos = new List<(PhotoLocation Location, int Index)>();
        for (var i = 0; i < 60; i++)
        {
            photos.Add((cluster.Run(() => cluster.Client.UploadAsync(Photo(i, size: 3000))), i));
        }

        var volumes = cluster.Run(() => cluster.Directory.ListVolumesAsync());
        Assert.That(volumes.Count(v => v.ReadOnlyReason == VolumeReadOnlyReason.Full), Is.GreaterThanOrEqualTo(2), "180 KB fill several 64 KiB volumes");
        Assert.That(photos.Select(p => p.Location.VolumeId).Distinct().Count(), Is.GreaterThanOrEqualTo(3));
        foreach (var (location, index) in photos)
        {
            Assert.That(cluster.Run(async () => (await cluster.Client.ReadAsync(location)).ToArray()), Is.EqualTo(Photo(index, size: 3000)));
        }

        cluster.AssertDirectoryReplicasAgree();
    }

    [Test]
    public void The_cache_serves_repeated_reads_and_keeps_only_photos_on_write_enabled_volumes()
    {
        var cluster = new HaystackSimCluster(seed: 17);
        cluster.WaitForWritableVolumes(2);
        var photo = cluster.Run(() => cluster.Client.UploadAsync(Photo(1, size: 1000)));
        var url = cluster.Run(() => cluster.Client.GetUrlAsync(photo, HaystackSimCluster.CacheNode));
        Assert.That(url.ToString(), Does.StartWith("/50/"));
        for (var i = 0; i < 3; i++)
        {
            Assert.That(cluster.Run(async () => (await cluster.Client.ReadAsync(url)).ToArray()), Is.EqualTo(Photo(1, size: 1000)));
        }

        Assert.That((cluster.Cache.Misses, cluster.Cache.Hits), Is.EqualTo((1L, 2L)));
        Assert.Throws<CookieMismatchException>(() => cluster.Run(() => cluster.Client.ReadAsync(url with { Photo = photo with { Cookie = 5 } })));

        // A photo on a read-only volume is served but not kept.
        cluster.Run(() => cluster.Directory.ReportFailureAsync(photo.VolumeId, url.Machine, ReplicaFailure.Full));
        cluster.Simulator.RunFor(TimeSpan.FromSeconds(1));
        var other = cluster.Run(() => cluster.Client.UploadAsync(Photo(2, size: 1000)));
        Assert.That(other.VolumeId, Is.Not.EqualTo(photo.VolumeId));
        var otherReplica = cluster.Run(() => cluster.Client.GetUrlAsync(other)).Machine;
        cluster.Run(() => cluster.Directory.ReportFailureAsync(other.VolumeId, otherReplica, ReplicaFailure.Full));
        cluster.Simulator.RunFor(TimeSpan.FromSeconds(1));
        var otherUrl = cluster.Run(() => cluster.Client.GetUrlAsync(other, HaystackSimCluster.CacheNode));
        cluster.Run(() => cluster.Client.ReadAsync(otherUrl));
        cluster.Run(() => cluster.Client.ReadAsync(otherUrl));
        Assert.That(cluster.Cache.Count, Is.EqualTo(1), "only the photo read while its volume was writable is cached");

        // The byte budget (16 KiB) holds; the least recently used go first.
        cluster.WaitForWritableVolumes(1);
        for (var i = 10; i < 40; i++)
        {
            var next = cluster.Run(() => cluster.Client.UploadAsync(Photo(i, size: 1500)));
            var nextUrl = cluster.Run(() => cluster.Client.GetUrlAsync(next, HaystackSimCluster.CacheNode));
            cluster.Run(() => cluster.Client.ReadAsync(nextUrl));
            Assert.That(cluster.Cache.Bytes, Is.LessThanOrEqualTo(16 * 1024));
        }
    }

    [Test]
    public void One_seed_replays_to_the_same_trace()
    {
        ulong RunOnce()
        {
            var cluster = new HaystackSimCluster(seed: 21);
            cluster.WaitForWritableVolumes(2);
            var photo = cluster.Run(() => cluster.Client.UploadAsync(Photo(1)));
            cluster.Run(() => cluster.Client.ReadAsync(photo));
            cluster.CrashDirectory(cluster.Leader()!.Node.Id);
            cluster.Run(() => cluster.Client.UploadAsync(Photo(2)));
            return cluster.Simulator.TraceHash;
        }

        var first = RunOnce();
        Assert.That(RunOnce(), Is.EqualTo(first));
    }
}
