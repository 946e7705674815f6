using Cluster.Core;
using Cluster.Simulation.Tests.Infrastructure;

namespace Cluster.Simulation.Tests;

public sealed class DiskCrashTests
{
    private static readonly DiskOptions LoseAll = new() { UnsyncedLoss = UnsyncedLossMode.LoseAll, TornWriteProbability = 0 };

    [Test]
    public void Unsynced_writes_are_lost_and_fsynced_ones_survive_a_crash()
    {
        var disk = new DiskHarness(1, LoseAll);
        disk.Run(async storage =>
        {
            var file = await storage.OpenAsync("wal", StorageOpenMode.CreateNew);
            await storage.SyncDirectoryAsync();
            await file.AppendAsync(DiskHarness.Bytes(100, 1));
            await file.FlushAsync();
            await file.AppendAsync(DiskHarness.Bytes(50, 2));
            await file.WriteAsync(0, DiskHarness.Bytes(10, 3));
            Assert.That(file.Length, Is.EqualTo(150));
        });
        disk.CrashAndRestart();
        Assert.That(disk.Contents("wal"), Is.EqualTo(DiskHarness.Bytes(100, 1)));
    }

    [Test]
    public void A_random_prefix_of_unsynced_writes_survives_and_never_a_later_write_without_an_earlier_one()
    {
        var kept = new HashSet<int>();
        for (ulong seed = 1; seed <= 40; seed++)
        {
            var disk = new DiskHarness(seed, new DiskOptions { TornWriteProbability = 0 });
            disk.Run(async storage =>
            {
                var file = await storage.OpenAsync("wal", StorageOpenMode.CreateNew);
                await storage.SyncDirectoryAsync();
                for (byte i = 1; i <= 4; i++)
                {
                    await file.AppendAsync(DiskHarness.Bytes(10, i));
                }
            });
            disk.CrashAndRestart();
            var contents = disk.Contents("wal");
            Assert.That(contents.Length % 10, Is.Zero);
            var writes = contents.Length / 10;
            Assert.That(contents, Is.EqualTo(Enumerable.Range(1, writes).SelectMany(i => DiskHarness.Bytes(10, (byte)i))));
            kept.Add(writes);
        }

        Assert.That(kept, Is.EquivalentTo(new[] { 0, 1, 2, 3, 4 }), "every prefix length occurs across seeds");
    }

    [Test]
    public void A_torn_last_write_leaves_a_prefix_of_it_possibly_followed_by_garbage()
    {
        var outcomes = new List<int>();
        for (ulong seed = 1; seed <= 30; seed++)
        {
            var disk = new DiskHarness(seed, LoseAll);
            disk.Run(async storage =>
            {
                var file = await storage.OpenAsync("wal", StorageOpenMode.CreateNew);
                await storage.SyncDirectoryAsync();
                await file.AppendAsync(DiskHarness.Bytes(100, 1));
                await file.FlushAsync();
                await file.AppendAsync(DiskHarness.Bytes(100, 2));
            });
            disk.CrashAndRestart(tearLastWrite: true);
            var contents = disk.Contents("wal");
            Assert.That(contents.Take(100), Is.All.EqualTo((byte)1), "synced data is never touched");
            Assert.That(contents.Length, Is.InRange(100, 200));
            var tail = contents.Skip(100).ToArray();
            var prefix = tail.TakeWhile(b => b == 2).Count();
            Assert.That(prefix, Is.LessThan(100), "the torn write never survives whole");
            outcomes.Add(contents.Length);
        }

        Assert.That(outcomes.Distinct().Count(), Is.GreaterThan(3));
        Assert.That(outcomes, Has.Some.EqualTo(200), "sometimes garbage follows the prefix");
    }

    [Test]
    public void Torn_writes_happen_on_plain_crashes_with_the_configured_probability()
    {
        var torn = 0;
        for (ulong seed = 1; seed <= 200; seed++)
        {
            var disk = new DiskHarness(seed, new DiskOptions { UnsyncedLoss = UnsyncedLossMode.LoseAll, TornWriteProbability = 0.5 });
            disk.Run(async storage =>
            {
                var file = await storage.OpenAsync("wal", StorageOpenMode.CreateNew);
                await storage.SyncDirectoryAsync();
                await file.AppendAsync(DiskHarness.Bytes(100, 2));
            });
            disk.CrashAndRestart();
            torn += disk.Contents("wal").Length > 0 ? 1 : 0;
        }

        // A torn write of zero bytes without garbage leaves nothing, so slightly fewer than half show.
        Assert.That(torn, Is.InRange(60, 120));
    }

    [Test]
    public void A_new_file_vanishes_on_a_crash_unless_the_directory_was_synced()
    {
        var disk = new DiskHarness(2);
        disk.Run(async storage =>
        {
            var kept = await storage.OpenAsync("kept", StorageOpenMode.CreateNew);
            await kept.AppendAsync(DiskHarness.Bytes(5, 1));
            await kept.FlushAsync();
            await storage.SyncDirectoryAsync();
            var lost = await storage.OpenAsync("lost", StorageOpenMode.CreateNew);
            await lost.AppendAsync(DiskHarness.Bytes(5, 1));
            await lost.FlushAsync();
        });
        disk.CrashAndRestart();
        Assert.Multiple(() =>
        {
            Assert.That(disk.Disk.List(), Is.EqualTo(new[] { "kept" }));
            Assert.That(disk.Contents("kept"), Is.EqualTo(DiskHarness.Bytes(5, 1)));
        });
    }

    [Test]
    public void Rename_and_delete_revert_on_a_crash_without_SyncDirectory()
    {
        var disk = new DiskHarness(3);
        disk.Run(async storage =>
        {
            foreach (var (name, value) in new[] { ("a", (byte)1), ("b", (byte)2), ("c", (byte)3) })
            {
                var file = await storage.OpenAsync(name, StorageOpenMode.CreateNew);
                await file.AppendAsync(DiskHarness.Bytes(4, value));
                await file.FlushAsync();
            }

            await storage.SyncDirectoryAsync();
            await storage.RenameAsync("a", "b");
            await storage.DeleteAsync("c");
            Assert.That(storage.List(), Is.EqualTo(new[] { "b" }));
        });
        disk.CrashAndRestart();
        Assert.Multiple(() =>
        {
            Assert.That(disk.Disk.List(), Is.EqualTo(new[] { "a", "b", "c" }));
            Assert.That(disk.Contents("a"), Is.EqualTo(DiskHarness.Bytes(4, 1)));
            Assert.That(disk.Contents("b"), Is.EqualTo(DiskHarness.Bytes(4, 2)));
            Assert.That(disk.Contents("c"), Is.EqualTo(DiskHarness.Bytes(4, 3)));
        });
    }

    [Test]
    public void Rename_and_delete_survive_a_crash_after_SyncDirectory()
    {
        var disk = new DiskHarness(4);
        disk.Run(async storage =>
        {
            foreach (var (name, value) in new[] { ("a", (byte)1), ("b", (byte)2), ("c", (byte)3) })
            {
                var file = await storage.OpenAsync(name, StorageOpenMode.CreateNew);
                await file.AppendAsync(DiskHarness.Bytes(4, value));
                await file.FlushAsync();
            }

            await storage.SyncDirectoryAsync();
            await storage.RenameAsync("a", "b");
            await storage.DeleteAsync("c");
            await storage.SyncDirectoryAsync();
        });
        disk.CrashAndRestart();
        Assert.Multiple(() =>
        {
            Assert.That(disk.Disk.List(), Is.EqualTo(new[] { "b" }));
            Assert.That(disk.Contents("b"), Is.EqualTo(DiskHarness.Bytes(4, 1)), "the rename replaced the target atomically");
        });
    }

    [Test]
    public void A_directory_sync_still_in_progress_at_the_crash_does_not_count()
    {
        var disk = new DiskHarness(5, new DiskOptions { SyncMinLatency = TimeSpan.FromMilliseconds(10), SyncMaxLatency = TimeSpan.FromMilliseconds(10) });
        disk.Run(async storage => await storage.OpenAsync("x", StorageOpenMode.CreateNew));
        var pending = disk.Simulator.Run(() => Task.FromResult(disk.Disk.SyncDirectoryAsync()));
        disk.Simulator.RunFor(TimeSpan.FromMilliseconds(5));
        disk.CrashAndRestart();
        disk.Simulator.RunFor(TimeSpan.FromSeconds(1));
        Assert.Multiple(() =>
        {
            Assert.That(disk.Disk.Exists("x"), Is.False);
            Assert.That(pending.IsCompleted, Is.False, "the crashed incarnation never hears back");
        });
    }

    [Test]
    public void Handles_opened_before_a_crash_are_dead_after_it()
    {
        var disk = new DiskHarness(6);
        IStorageFile? handle = null;
        disk.Run(async storage => handle = await storage.OpenAsync("x", StorageOpenMode.CreateNew));
        disk.CrashAndRestart();
        Assert.That(async () => await handle!.AppendAsync(new byte[1]), Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public void Open_modes_keep_their_contract()
    {
        var disk = new DiskHarness(7);
        disk.Run(async storage =>
        {
            Assert.That(async () => await storage.OpenAsync("missing", StorageOpenMode.OpenExisting), Throws.InstanceOf<FileNotFoundException>());
            var file = await storage.OpenAsync("f", StorageOpenMode.CreateNew);
            await file.AppendAsync(new byte[] { 1, 2, 3 });
            Assert.That(async () => await storage.OpenAsync("f", StorageOpenMode.CreateNew), Throws.InstanceOf<IOException>());
            var again = await storage.OpenAsync("f", StorageOpenMode.Truncate);
            Assert.That(again.Length, Is.Zero);
            await again.WriteAsync(5, new byte[] { 9 });
            var buffer = new byte[10];
            Assert.That(await again.ReadAsync(0, buffer), Is.EqualTo(6));
            Assert.That(buffer.Take(6), Is.EqualTo(new byte[] { 0, 0, 0, 0, 0, 9 }), "a gap reads as zeros");
            Assert.That(() => storage.Exists("../etc"), Throws.ArgumentException);
        });
    }

    [Test]
    public void A_full_disk_refuses_writes_beyond_its_capacity()
    {
        var disk = new DiskHarness(8, new DiskOptions { CapacityBytes = 100 });
        disk.Run(async storage =>
        {
            var file = await storage.OpenAsync("f", StorageOpenMode.CreateNew);
            await file.AppendAsync(new byte[60]);
            var other = await storage.OpenAsync("g", StorageOpenMode.CreateNew);
            await other.AppendAsync(new byte[40]);
            Assert.That(async () => await other.AppendAsync(new byte[1]), Throws.InstanceOf<StorageFullException>());
            Assert.That(other.Length, Is.EqualTo(40), "a refused write changes nothing");
            await file.WriteAsync(0, new byte[60]);
            await storage.DeleteAsync("f");
            await other.AppendAsync(new byte[60]);
            Assert.That(disk.Disk.UsedBytes, Is.EqualTo(100));
        });
    }

    [Test]
    public void A_flipped_bit_shows_up_in_reads_of_flushed_data()
    {
        var disk = new DiskHarness(9);
        disk.Run(async storage =>
        {
            var file = await storage.OpenAsync("f", StorageOpenMode.CreateNew);
            await file.AppendAsync(new byte[16]);
            await file.FlushAsync();
            await storage.SyncDirectoryAsync();
        });
        disk.Disk.FlipBit("f", 3, 2);
        disk.CrashAndRestart();
        Assert.That(disk.Contents("f")[3], Is.EqualTo(4), "the corruption is on the medium, so it survives the crash");
    }

    [Test]
    public void Read_corruption_flips_bits_in_what_is_read_but_not_in_what_is_stored()
    {
        var disk = new DiskHarness(10, new DiskOptions { ReadCorruptionProbability = 0.5 });
        var corrupted = 0;
        disk.Run(async storage =>
        {
            var file = await storage.OpenAsync("f", StorageOpenMode.CreateNew);
            await file.AppendAsync(new byte[64]);
            for (var i = 0; i < 200; i++)
            {
                var buffer = new byte[64];
                await file.ReadAsync(0, buffer);
                var ones = buffer.Sum(b => System.Numerics.BitOperations.PopCount(b));
                Assert.That(ones, Is.LessThanOrEqualTo(1));
                corrupted += ones;
            }
        });
        Assert.Multiple(() =>
        {
            Assert.That(corrupted, Is.InRange(70, 130));
            Assert.That(disk.Disk.CorruptedReads, Is.EqualTo(corrupted));
            Assert.That(disk.Contents("f"), Is.All.Zero);
        });
    }

    [Test]
    public void A_stalled_disk_holds_fsync_completions_until_unstalled()
    {
        var disk = new DiskHarness(11, new DiskOptions { SyncMinLatency = TimeSpan.FromMilliseconds(1), SyncMaxLatency = TimeSpan.FromMilliseconds(1) });
        TimeSpan? flushedAt = null;
        disk.Disk.Stall();
        disk.Simulator.Schedule(TimeSpan.FromSeconds(3), disk.Disk.Unstall);
        disk.Run(async storage =>
        {
            var file = await storage.OpenAsync("f", StorageOpenMode.CreateNew);
            await file.AppendAsync(new byte[4]);
            await file.FlushAsync();
            flushedAt = disk.Simulator.Now;
        });
        Assert.That(flushedAt, Is.EqualTo(TimeSpan.FromSeconds(3)));
    }

    [Test]
    public void Data_written_after_an_fsync_started_is_not_covered_by_it()
    {
        var disk = new DiskHarness(12, new DiskOptions
        {
            UnsyncedLoss = UnsyncedLossMode.LoseAll,
            SyncMinLatency = TimeSpan.FromMilliseconds(5),
            SyncMaxLatency = TimeSpan.FromMilliseconds(5),
        });
        disk.Run(async storage =>
        {
            var file = await storage.OpenAsync("f", StorageOpenMode.CreateNew);
            await storage.SyncDirectoryAsync();
            await file.AppendAsync(DiskHarness.Bytes(4, 1));
            var flush = file.FlushAsync();
            await file.AppendAsync(DiskHarness.Bytes(4, 2));
            await flush;
        });
        disk.CrashAndRestart();
        Assert.That(disk.Contents("f"), Is.EqualTo(DiskHarness.Bytes(4, 1)));
    }
}
