using Cluster.Core;

namespace Haystack.Tests.Directory;

/// <summary>The Directory's decisions, applied directly to its state: allocation, assignment, the volume lifecycle, health.</summary>
public sealed class DirectoryStateTests
{
    private static readonly DirectoryOptions Options = new() { VolumeBytes = 64 * 1024, FullMarginBytes = 8 * 1024, MinWritableVolumes = 2 };
    private ulong _index;

    private HeartbeatResult Beat(DirectoryState state, ulong store, params VolumeReport[] volumes) =>
        state.Heartbeat(++_index, new StoreReport { Store = new NodeId(store), CapacityBytes = 1 << 20, FreeBytes = (1 << 20) - (volumes.Length * Options.VolumeBytes), Volumes = volumes }, Options);

    private static VolumeReport Report(uint volume, long size = 64, bool readOnly = false) => new() { VolumeId = volume, SizeBytes = size, IsReadOnly = readOnly };

    /// <summary>Four Stores heartbeat, create what they are told, and heartbeat again.</summary>
    private DirectoryState Bootstrapped()
    {
        var state = new DirectoryState();
        var toCreate = new Dictionary<ulong, List<uint>>();
        for (ulong store = 11; store <= 14; store++)
        {
            toCreate[store] = [];
        }

        for (ulong store = 11; store <= 14; store++)
        {
            Beat(state, store);
        }

        for (ulong store = 11; store <= 14; store++)
        {
            toCreate[store].AddRange(Beat(state, store).VolumesToCreate);
            Beat(state, store, [.. toCreate[store].Select(v => Report(v))]);
        }

        return state;
    }

    [Test]
    public void Too_few_stores_get_no_volumes_and_enough_get_volumes_on_distinct_stores()
    {
        var state = new DirectoryState();
        Beat(state, 11);
        Beat(state, 12);
        Assert.That(state.Volumes, Is.Empty, "two Stores cannot hold three replicas");
        Beat(state, 13);
        Assert.That(state.Volumes, Has.Count.EqualTo(Options.MinWritableVolumes));
        foreach (var volume in state.Volumes.Values)
        {
            Assert.That(volume.State, Is.EqualTo(LogicalVolumeState.Allocating));
            Assert.That(volume.Replicas.Select(r => r.Store).Distinct().Count(), Is.EqualTo(3));
        }
    }

    [Test]
    public void A_volume_becomes_writable_once_every_replica_reported_it()
    {
        var state = Bootstrapped();
        Assert.That(state.Volumes.Values.Select(v => v.State), Is.All.EqualTo(LogicalVolumeState.Writable));
    }

    [Test]
    public void Uploads_are_spread_round_robin_and_every_key_is_new()
    {
        var state = Bootstrapped();
        var assignments = Enumerable.Range(0, 6).Select(_ => state.AssignUpload(1000, Options)).ToList();
        Assert.That(assignments.Select(a => a.Key), Is.Unique);
        Assert.That(assignments.Select(a => a.VolumeId), Is.EqualTo(new uint[] { 1, 2, 1, 2, 1, 2 }));
        Assert.That(assignments[0].Replicas, Has.Count.EqualTo(3));
    }

    [Test]
    public void A_full_replica_makes_its_volume_read_only_and_a_new_volume_is_allocated()
    {
        var state = Bootstrapped();
        var volume = state.Volumes[1];
        var store = volume.Replicas[0].Store;
        var reports = state.Volumes.Values.Where(v => v.Replica(store) is not null).Select(v => Report(v.Id, v.Id == 1 ? Options.VolumeBytes - 100 : 64)).ToArray();
        var result = Beat(state, store, reports);
        Assert.That(state.Volumes[1].State, Is.EqualTo(LogicalVolumeState.ReadOnly));
        Assert.That(state.Volumes[1].ReadOnlyReason, Is.EqualTo(VolumeReadOnlyReason.Full));
        Assert.That(result.ReadOnlyVolumes, Does.Contain(1u));
        Assert.That(state.Volumes.Values.Count(v => v.State != LogicalVolumeState.ReadOnly), Is.EqualTo(Options.MinWritableVolumes), "a replacement is being allocated");
        Assert.That(state.AssignUpload(100, Options).VolumeId, Is.Not.EqualTo(1u), "no upload goes to a full volume");
    }

    [Test]
    public void A_store_marked_down_makes_its_volumes_read_only_unless_it_heartbeat_since()
    {
        var state = Bootstrapped();
        var store = state.Volumes[1].Replicas[0].Store;
        var seen = state.Stores[store].LastHeartbeatIndex;
        Beat(state, store, [.. state.Volumes.Values.Where(v => v.Replica(store) is not null).Select(v => Report(v.Id))]);
        Assert.That(state.MarkStoreDown(new NodeId(store), seen, Options), Is.False, "a heartbeat applied after the monitor looked wins");
        Assert.That(state.Volumes[1].State, Is.EqualTo(LogicalVolumeState.Writable));

        Assert.That(state.MarkStoreDown(new NodeId(store), state.Stores[store].LastHeartbeatIndex, Options), Is.True);
        Assert.That(state.Volumes[1].State, Is.EqualTo(LogicalVolumeState.ReadOnly));
        Assert.That(state.Volumes[1].ReadOnlyReason, Is.EqualTo(VolumeReadOnlyReason.ReplicaFailed));
        var location = state.Locate(1, key: 0)!;
        Assert.That(location.Replicas[^1], Is.EqualTo(new NodeId(store)), "the down replica is the last resort");
        Assert.That(location.HealthyReplicas, Is.EqualTo(2));
        Assert.That(state.Volumes.Values.Where(v => v.State != LogicalVolumeState.ReadOnly).SelectMany(v => v.Replicas).Select(r => r.Store), Does.Not.Contain(store), "new volumes avoid the down Store");
    }

    [Test]
    public void Corruption_marks_the_replica_unhealthy_until_re_replicated()
    {
        var state = Bootstrapped();
        var store = state.Volumes[2].Replicas[1].Store;
        Assert.That(state.ReportFailure(2, new NodeId(store), ReplicaFailure.Corruption, Options), Is.True);
        Beat(state, store, [.. state.Volumes.Values.Where(v => v.Replica(store) is not null).Select(v => Report(v.Id))]);
        Assert.That(state.Volumes[2].State, Is.EqualTo(LogicalVolumeState.ReadOnly));
        Assert.That(state.Volumes[2].ReadOnlyReason, Is.EqualTo(VolumeReadOnlyReason.Corruption));
        Assert.That(state.Volumes[2].Replica(store)!.Healthy, Is.False, "a heartbeat does not heal a corrupt replica");
        Assert.That(state.ReportFailure(99, new NodeId(store), ReplicaFailure.Corruption, Options), Is.False, "unknown volume");
    }

    [Test]
    public void A_failure_report_about_a_store_without_a_replica_of_the_volume_changes_nothing()
    {
        var state = Bootstrapped();
        var volume = state.Volumes[1];
        var outsider = Enumerable.Range(11, 4).Select(i => (ulong)i).First(s => volume.Replica(s) is null);
        foreach (var failure in Enum.GetValues<ReplicaFailure>())
        {
            Assert.That(state.ReportFailure(1, new NodeId(outsider), failure, Options), Is.False, failure.ToString());
            Assert.That(state.ReportFailure(1, new NodeId(999), failure, Options), Is.False, "an unknown machine");
        }

        Assert.That(volume.State, Is.EqualTo(LogicalVolumeState.Writable));
        Assert.That(state.Stores[outsider].Alive, Is.True);
    }

    [Test]
    public void Reads_of_different_photos_spread_over_the_healthy_replicas()
    {
        var state = Bootstrapped();
        var firsts = Enumerable.Range(0, 30).Select(key => state.Locate(1, (ulong)key)!.Replicas[0]).ToList();
        Assert.That(firsts.Distinct().Count(), Is.EqualTo(3));
        Assert.That(state.Locate(77, 1), Is.Null);
    }

    [Test]
    public void No_write_enabled_volume_answers_volume_zero()
    {
        var state = new DirectoryState();
        Assert.That(state.AssignUpload(10, Options).VolumeId, Is.Zero);
        Assert.That(state.NextKey, Is.EqualTo(1UL), "no key is spent on a failed assignment");
    }

    [Test]
    public async Task The_state_machine_snapshot_restores_every_decision()
    {
        var machine = new DirectoryStateMachine(Options);
        for (ulong store = 11; store <= 13; store++)
        {
            await machine.ApplyAsync(store, DirectorySerializer.Serialize<DirectoryCommand>(new HeartbeatCommand { Report = new StoreReport { Store = new NodeId(store), CapacityBytes = 1 << 20, FreeBytes = 1 << 20 } }), default);
        }

        using var stream = new MemoryStream();
        await machine.WriteSnapshotAsync(stream, default);
        stream.Position = 0;
        var restored = new DirectoryStateMachine(Options);
        await restored.RestoreSnapshotAsync(stream, default);
        Assert.That(restored.Volumes, Is.EqualTo(machine.Volumes).Using<LogicalVolumeInfo>((a, b) => a.VolumeId == b.VolumeId && a.State == b.State && a.Replicas.SequenceEqual(b.Replicas)));
        Assert.That(restored.Stores.Select(s => s.Store), Is.EqualTo(machine.Stores.Select(s => s.Store)));
        Assert.That(restored.NextKey, Is.EqualTo(machine.NextKey));
    }

    [Test]
    public async Task A_malformed_command_or_query_is_answered_empty_and_the_state_machine_goes_on()
    {
        var machine = new DirectoryStateMachine(Options);
        Assert.That((await machine.ApplyAsync(1, new byte[] { 0xC1, 0x00, 0xFF }, default)).IsEmpty, Is.True);
        Assert.That((await machine.QueryAsync(new byte[] { 0x92, 0x7F, 0xC0 }, default)).IsEmpty, Is.True);
        var ok = await machine.ApplyAsync(2, DirectorySerializer.Serialize<DirectoryCommand>(new AssignUploadCommand { DataBytes = 5 }), default);
        Assert.That(DirectorySerializer.Deserialize<UploadAssignment>(ok).VolumeId, Is.Zero);
    }

    [Test]
    public void Options_name_the_setting_that_is_wrong()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new DirectoryOptions { ReplicationFactor = 0 }.Validate());
        Assert.That(error!.ParamName, Is.EqualTo("ReplicationFactor"));
        error = Assert.Throws<ArgumentOutOfRangeException>(() => new DirectoryOptions { VolumeBytes = 8192, FullMarginBytes = 8192 }.Validate());
        Assert.That(error!.ParamName, Is.EqualTo("FullMarginBytes"));
    }

    [Test]
    public void A_replica_that_missed_a_delete_is_not_trusted_until_its_store_confirms_the_replayed_delete()
    {
        var state = Bootstrapped();
        var volume = state.Volumes[1];
        var stores = volume.Replicas.Select(r => r.Store).ToList();
        var (missed, others) = (stores[0], stores.Skip(1).ToList());
        var command = new RecordPendingDeleteCommand { VolumeId = 1, Key = 42, AlternateKey = 0, Cookie = 7, Stores = [new NodeId(missed)] };

        // The client could not reach that replica's Store during the delete.
        state.ReportFailure(1, new NodeId(missed), ReplicaFailure.Unreachable, Options);
        Assert.That(state.RecordPendingDelete(command, Options), Is.True);
        Assert.That(state.RecordPendingDelete(command with { Stores = [new NodeId(99)] }, Options), Is.False, "a Store without a replica gets nothing");
        Assert.That(volume.Replica(missed)!.PendingDeletes, Has.Count.EqualTo(1));

        // Every other replica is lost; the one that missed the delete is all that is left, and comes back.
        foreach (var other in others)
        {
            state.ReportFailure(1, new NodeId(other), ReplicaFailure.Corruption, Options);
        }

        var reports = state.Volumes.Values.Where(v => v.Replica(missed) is not null).Select(v => Report(v.Id)).ToArray();
        var answer = Beat(state, missed, reports);
        var pending = answer.PendingDeletes.Single();
        Assert.That((pending.VolumeId, pending.Key, pending.Cookie), Is.EqualTo((1u, 42UL, 7UL)), "the heartbeat answer replays the delete");
        Assert.That(volume.Replica(missed)!.Healthy, Is.False, "a replica that may still hold a deleted photo is not trusted");
        Assert.That(state.Locate(1, 42)!.HealthyReplicas, Is.Zero);

        var confirmed = state.Heartbeat(++_index, new StoreReport { Store = new NodeId(missed), CapacityBytes = 1 << 20, Volumes = reports, AppliedPendingDeletes = [pending.Id] }, Options);
        Assert.That(confirmed.PendingDeletes, Is.Empty);
        Assert.That(volume.Replica(missed)!.Healthy, Is.True, "once it confirmed the delete it is the source the others are rebuilt from");
    }
}
