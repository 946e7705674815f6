using Cluster.Core;

namespace Haystack.Tests.Directory;

/// <summary>
/// The Directory's repair decisions, applied directly to its state: which replica is rebuilt where and from which source, when
/// a rebuilt replica is healthy again, and what happens when a source, a target or every replica fails.
/// </summary>
public sealed class RepairPlanTests
{
    private static readonly DirectoryOptions Options = new() { VolumeBytes = 64 * 1024, FullMarginBytes = 8 * 1024, MinWritableVolumes = 2 };
    private ulong _index;

    private HeartbeatResult Beat(DirectoryState state, ulong store) =>
        Beat(state, store, [.. state.Volumes.Values.Where(v => v.Replica(store) is { Reported: true } || v.Replica(store) is { Repairing: false }).Select(v => v.Id)]);

    private HeartbeatResult Beat(DirectoryState state, ulong store, IEnumerable<uint> volumes)
    {
        var reports = volumes.Select(v => new VolumeReport { VolumeId = v, SizeBytes = 4096 }).ToList();
        return state.Heartbeat(++_index, new StoreReport { Store = new NodeId(store), CapacityBytes = 1 << 20, FreeBytes = (1 << 20) - (reports.Count * Options.VolumeBytes), Volumes = reports }, Options);
    }

    /// <summary>Four Stores (11–14) and two writable volumes of three replicas each.</summary>
    private DirectoryState Bootstrapped()
    {
        var state = new DirectoryState();
        for (ulong store = 11; store <= 14; store++)
        {
            Beat(state, store, []);
        }

        for (ulong store = 11; store <= 14; store++)
        {
            Beat(state, store, Beat(state, store, []).VolumesToCreate);
        }

        Assert.That(state.Volumes.Values.Select(v => v.State), Is.All.EqualTo(LogicalVolumeState.Writable));
        return state;
    }

    private static ulong Spare(VolumeRecord volume) => Enumerable.Range(11, 4).Select(i => (ulong)i).Single(s => volume.Replica(s) is null);

    private void MarkDown(DirectoryState state, ulong store) =>
        Assert.That(state.MarkStoreDown(new NodeId(store), state.Stores[store].LastHeartbeatIndex, Options), Is.True);

    [Test]
    public void A_corrupt_replica_on_a_live_store_is_rebuilt_in_place_from_a_healthy_one()
    {
        var state = Bootstrapped();
        var volume = state.Volumes[1];
        var corrupt = volume.Replicas[0].Store;
        state.ReportFailure(1, new NodeId(corrupt), ReplicaFailure.Corruption, Options);

        var replica = volume.Replica(corrupt)!;
        Assert.That((replica.Repairing, replica.Healthy, replica.Replaces), Is.EqualTo((true, false, 0UL)));
        var source = replica.RepairSource;
        Assert.That(volume.Replica(source), Is.Not.Null.And.Property(nameof(ReplicaRecord.Healthy)).True, "the source is a healthy replica of the volume");
        Assert.That(Beat(state, corrupt).Repairs, Is.EqualTo(new[] { new RepairOrder { VolumeId = 1, Source = new NodeId(source) } }));
        Assert.That(Beat(state, source).CopyGrants, Does.Contain(new CopyGrant { VolumeId = 1, Target = new NodeId(corrupt) }));
        Assert.That(state.Locate(1, 0)!.Replicas.Take(state.Locate(1, 0)!.HealthyReplicas), Does.Not.Contain(new NodeId(corrupt)), "no reads go to it meanwhile");
        Assert.That(replica.Healthy, Is.False, "a heartbeat does not heal a replica under repair");

        Assert.That(state.CompleteRepair(1, new NodeId(corrupt), new NodeId(source), Options), Is.True);
        Assert.That((replica.Repairing, replica.Healthy, replica.Corrupt), Is.EqualTo((false, true, false)));
        Assert.That(volume.Replicas, Has.Count.EqualTo(3));
        Assert.That((volume.State, volume.Epoch), Is.EqualTo((LogicalVolumeState.Reopening, 1u)), "whole again with room: reopened under a new epoch");
        Assert.That(Beat(state, corrupt).Repairs, Is.Empty);

        // It takes uploads only once every replica reports knowing the new epoch; until then it stays on their read-only lists.
        var stores = volume.Replicas.Select(r => r.Store).ToList();
        foreach (var store in stores)
        {
            var answer = ReportEpoch(state, store, 0);
            Assert.That((answer.VolumeEpochs[1], answer.ReadOnlyVolumes.Contains(1u)), Is.EqualTo((1u, true)));
        }

        Assert.That(volume.State, Is.EqualTo(LogicalVolumeState.Reopening), "no replica has learned the epoch yet");
        foreach (var store in stores.Skip(1))
        {
            ReportEpoch(state, store, 1);
        }

        Assert.That(volume.State, Is.EqualTo(LogicalVolumeState.Reopening), "one replica still does not know it");
        Assert.That(ReportEpoch(state, stores[0], 1).ReadOnlyVolumes, Does.Not.Contain(1u));
        Assert.That(volume.State, Is.EqualTo(LogicalVolumeState.Writable));
        var assignments = Enumerable.Range(0, 4).Select(_ => state.AssignUpload(100, Options)).Where(a => a.VolumeId == 1).ToList();
        Assert.That(assignments.Select(a => a.Epoch), Is.Not.Empty.And.All.EqualTo(1u), "uploads carry the new epoch");
    }

    /// <summary>A heartbeat in which <paramref name="store"/> reports knowing <paramref name="epoch"/> for volume 1.</summary>
    private HeartbeatResult ReportEpoch(DirectoryState state, ulong store, uint epoch) =>
        state.Heartbeat(
            ++_index,
            new StoreReport
            {
                Store = new NodeId(store),
                CapacityBytes = 1 << 20,
                FreeBytes = 1 << 19,
                Volumes = [.. state.Volumes.Values.Where(v => v.Replica(store) is not null).Select(v => new VolumeReport { VolumeId = v.Id, SizeBytes = 64, Epoch = v.Id == 1 ? epoch : v.Epoch })],
            },
            Options);

    [Test]
    public void A_store_marked_down_has_its_replicas_rebuilt_on_another_store_which_takes_their_place()
    {
        var state = Bootstrapped();
        var volume = state.Volumes[1];
        var down = volume.Replicas[1].Store;
        var spare = Spare(volume);
        MarkDown(state, down);

        var replacement = volume.Replica(spare)!;
        Assert.That((replacement.Repairing, replacement.Replaces, replacement.Healthy), Is.EqualTo((true, down, false)));
        Assert.That(volume.Replicas, Has.Count.EqualTo(4), "the lost replica stays listed until its replacement is complete");
        Assert.That(Beat(state, spare).Repairs.Select(r => r.VolumeId), Does.Contain(1u));
        Assert.That(state.Locate(1, 0)!.HealthyReplicas, Is.EqualTo(2));

        Assert.That(state.CompleteRepair(1, new NodeId(spare), new NodeId(replacement.RepairSource), Options), Is.True);
        Assert.That(volume.Replicas.Select(r => r.Store), Does.Not.Contain(down).And.Contain(spare));
        Assert.That(volume.Replicas.Select(r => r.Healthy), Is.All.True);
        Assert.That(volume.Replicas, Has.Count.EqualTo(Options.ReplicationFactor), "the replication factor is back");

        // The lost Store comes back with its old copy: it is told to delete it, and it holds no replica of the volume now.
        var result = Beat(state, down, [1]);
        Assert.That(result.VolumesToDelete, Is.EqualTo(new[] { 1u }));
        Assert.That(volume.Replica(down), Is.Null);
    }

    [Test]
    public void A_repair_whose_source_fails_continues_from_another_and_a_report_from_the_old_one_is_refused()
    {
        var state = Bootstrapped();
        var volume = state.Volumes[2];
        var corrupt = volume.Replicas[0].Store;
        state.ReportFailure(2, new NodeId(corrupt), ReplicaFailure.Corruption, Options);
        var first = volume.Replica(corrupt)!.RepairSource;

        state.ReportFailure(2, new NodeId(first), ReplicaFailure.Corruption, Options);
        var second = volume.Replica(corrupt)!.RepairSource;
        Assert.That(second, Is.Not.EqualTo(first).And.Not.EqualTo(corrupt).And.Not.Zero);
        Assert.That(volume.Replica(first)!.Repairing, Is.True, "the failed source is repaired in turn");
        Assert.That(state.CompleteRepair(2, new NodeId(corrupt), new NodeId(first), Options), Is.False, "a copy from the failed source does not count");
        Assert.That(volume.Replica(corrupt)!.Healthy, Is.False);
        Assert.That(state.CompleteRepair(2, new NodeId(corrupt), new NodeId(second), Options), Is.True);
    }

    [Test]
    public void With_no_spare_store_a_down_store_is_repaired_in_place_when_it_returns_and_serves_no_reads_before()
    {
        var state = Bootstrapped();
        var volume = state.Volumes[1];
        var spare = Spare(volume);
        var down = volume.Replicas[0].Store;
        MarkDown(state, spare);
        MarkDown(state, down);
        Assert.That(volume.Replicas, Has.Count.EqualTo(3), "no live Store is left to take the replica over");
        Assert.That(volume.Replica(down)!.Repairing, Is.False);

        var result = Beat(state, down);
        var replica = volume.Replica(down)!;
        Assert.That((replica.Repairing, replica.Healthy), Is.EqualTo((true, false)), "back, but it catches up before it serves");
        Assert.That(result.Repairs.Select(r => r.VolumeId), Does.Contain(1u));
        Assert.That(state.Locate(1, 0)!.Replicas.Take(state.Locate(1, 0)!.HealthyReplicas), Does.Not.Contain(new NodeId(down)));
    }

    [Test]
    public void When_every_replica_failed_the_first_to_return_serves_as_the_source_for_the_others()
    {
        var state = Bootstrapped();
        var volume = state.Volumes[1];
        var stores = volume.Replicas.Select(r => r.Store).ToList();
        foreach (var store in stores)
        {
            state.ReportFailure(1, new NodeId(store), ReplicaFailure.Unreachable, Options);
        }

        Assert.That(volume.Replicas.Select(r => r.Healthy), Is.All.False);
        Beat(state, stores[1]);
        Assert.That(volume.Replica(stores[1])!.Healthy, Is.True, "no replica to repair from: the first back holds every acknowledged needle");
        Beat(state, stores[0]);
        Assert.That(volume.Replica(stores[0])!.Repairing, Is.True);
        Assert.That(volume.Replica(stores[0])!.RepairSource, Is.EqualTo(stores[1]));
    }

    [Test]
    public void A_replacement_that_goes_down_before_it_finishes_is_dropped_and_planned_again()
    {
        var state = Bootstrapped();
        var volume = state.Volumes[1];
        var spare = Spare(volume);
        var down = volume.Replicas[2].Store;
        MarkDown(state, down);
        Assert.That(volume.Replica(spare)!.Repairing, Is.True);

        MarkDown(state, spare);
        Assert.That(volume.Replica(spare), Is.Null, "the half-built replacement held nothing anyone relied on");
        Assert.That(volume.Replica(down), Is.Not.Null.And.Property(nameof(ReplicaRecord.Repairing)).False);

        Beat(state, spare);
        Assert.That(volume.Replica(spare)!.Repairing, Is.True, "planned again once the Store is back");
        Assert.That(volume.Replica(spare)!.Replaces, Is.EqualTo(down));
    }

    [Test]
    public void A_store_that_is_only_suspect_is_neither_replaced_nor_repaired_until_it_heartbeats_or_is_marked_down()
    {
        var state = Bootstrapped();
        var volume = state.Volumes[1];
        var suspect = volume.Replicas[0].Store;
        state.ReportFailure(1, new NodeId(suspect), ReplicaFailure.Unreachable, Options);
        Assert.That(volume.Replicas, Has.Count.EqualTo(3));
        Assert.That(volume.Replica(suspect)!.Repairing, Is.False);
        Beat(state, suspect);
        Assert.That(volume.Replica(suspect)!.Repairing, Is.True);
    }
}
