using System.Text;
using Cluster.Core;
using Haystack.Tests.Infrastructure;

namespace Haystack.Tests.Store;

public sealed class PhysicalVolumeTests
{
    private string _root = null!;
    private DiskFileStorage _storage = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "haystack-tests-" + Environment.ProcessId + "-" + TestContext.CurrentContext.Test.ID);
        if (System.IO.Directory.Exists(_root))
        {
            System.IO.Directory.Delete(_root, recursive: true);
        }

        System.IO.Directory.CreateDirectory(_root);
        _storage = new DiskFileStorage(_root);
    }

    [TearDown]
    public void TearDown() => System.IO.Directory.Delete(_root, recursive: true);

    private static byte[] Blob(int seed, int size)
    {
        var bytes = new byte[size];
        new RandomSource((ulong)seed).NextBytes(bytes);
        return bytes;
    }

    [Test]
    public async Task A_written_needle_reads_back_with_its_cookie()
    {
        await using var volume = await PhysicalVolume.CreateAsync(_storage, 1);
        await volume.WriteAsync(10, 0, cookie: 777, Blob(1, 5000));

        var data = await volume.ReadAsync(10, 0, 777);

        Assert.That(data.ToArray(), Is.EqualTo(Blob(1, 5000)));
    }

    [Test]
    public async Task Wrong_cookies_unknown_keys_and_oversized_writes_get_clear_errors()
    {
        await using var volume = await PhysicalVolume.CreateAsync(_storage, 1, new VolumeOptions { MaxNeedleDataBytes = 1024 });
        await volume.WriteAsync(10, 2, 777, Blob(1, 100));

        Assert.Multiple(() =>
        {
            Assert.That(async () => await volume.ReadAsync(10, 2, 778), Throws.TypeOf<CookieMismatchException>());
            Assert.That(async () => await volume.ReadAsync(10, 3, 777), Throws.TypeOf<NeedleNotFoundException>().With.Message.Contains("10_3"));
            Assert.That(async () => await volume.WriteAsync(11, 0, 1, new byte[1025]), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("MaxNeedleDataBytes"));
        });
    }

    [Test]
    public async Task The_newest_write_of_a_key_wins_and_a_delete_removes_it()
    {
        await using var volume = await PhysicalVolume.CreateAsync(_storage, 1);
        await volume.WriteAsync(5, 0, 1, Encoding.UTF8.GetBytes("old"));
        await volume.WriteAsync(5, 0, 2, Encoding.UTF8.GetBytes("new"));
        var latest = Encoding.UTF8.GetString((await volume.ReadAsync(5, 0, 2)).Span);
        var deleted = await volume.DeleteAsync(5, 0);
        var deletedAgain = await volume.DeleteAsync(5, 0);

        Assert.Multiple(() =>
        {
            Assert.That(latest, Is.EqualTo("new"));
            Assert.That(deleted, Is.True);
            Assert.That(deletedAgain, Is.False);
            Assert.That(async () => await volume.ReadAsync(5, 0, 2), Throws.TypeOf<NeedleNotFoundException>());
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Reopening_restores_writes_updates_and_deletes(bool checkpointHalfway)
    {
        var options = new VolumeOptions { CheckpointIntervalNeedles = 0 };
        await using (var volume = await PhysicalVolume.CreateAsync(_storage, 3, options))
        {
            for (var i = 0; i < 50; i++)
            {
                await volume.WriteAsync((ulong)i, 0, (ulong)i, Blob(i, 100 + i));
                if (checkpointHalfway && i == 25)
                {
                    await volume.CheckpointIndexAsync();
                }
            }

            await volume.WriteAsync(7, 0, 1007, Blob(1007, 10));
            await volume.DeleteAsync(8, 0);
            await volume.DeleteAsync(30, 0);
        }

        await using var reopened = await PhysicalVolume.OpenAsync(_storage, 3, options);
        Assert.Multiple(async () =>
        {
            Assert.That((await reopened.ReadAsync(7, 0, 1007)).ToArray(), Is.EqualTo(Blob(1007, 10)));
            Assert.That(async () => await reopened.ReadAsync(8, 0, 8), Throws.TypeOf<NeedleNotFoundException>());
            Assert.That(async () => await reopened.ReadAsync(30, 0, 30), Throws.TypeOf<NeedleNotFoundException>());
            Assert.That((await reopened.ReadAsync(49, 0, 49)).ToArray(), Is.EqualTo(Blob(49, 149)));
            Assert.That((await reopened.ReadAsync(3, 0, 3)).ToArray(), Is.EqualTo(Blob(3, 103)));
        });
    }

    [Test]
    public async Task A_torn_last_needle_is_cut_off_and_everything_before_it_survives()
    {
        long goodEnd;
        await using (var volume = await PhysicalVolume.CreateAsync(_storage, 1, new VolumeOptions { CheckpointIntervalNeedles = 0 }))
        {
            await volume.WriteAsync(1, 0, 1, Blob(1, 300));
            await volume.WriteAsync(2, 0, 2, Blob(2, 300));
            goodEnd = volume.SizeBytes;
        }

        // Half of a third needle reached the disk before a crash.
        var needle = new byte[NeedleFormat.NeedleBytes(300)];
        NeedleFormat.Write(needle, 3, 0, 3, Blob(3, 300));
        await using (var file = await _storage.OpenAsync(PhysicalVolume.DataFileName(1), StorageOpenMode.OpenExisting))
        {
            await file.WriteAsync(goodEnd, needle.AsMemory(0, needle.Length / 2));
            await file.FlushAsync();
        }

        File.Delete(Path.Combine(_root, PhysicalVolume.IndexFileName(1)));
        await using var reopened = await PhysicalVolume.OpenAsync(_storage, 1);

        Assert.Multiple(async () =>
        {
            Assert.That(reopened.SizeBytes, Is.EqualTo(goodEnd));
            Assert.That(reopened.NeedleCount, Is.EqualTo(2));
            Assert.That((await reopened.ReadAsync(2, 0, 2)).ToArray(), Is.EqualTo(Blob(2, 300)));
        });
    }

    [Test]
    public async Task Corruption_before_the_tail_refuses_to_open_and_names_file_and_offset()
    {
        await using (var volume = await PhysicalVolume.CreateAsync(_storage, 1, new VolumeOptions { CheckpointIntervalNeedles = 0 }))
        {
            await volume.WriteAsync(1, 0, 1, Blob(1, 300));
            await volume.WriteAsync(2, 0, 2, Blob(2, 300));
        }

        File.Delete(Path.Combine(_root, PhysicalVolume.IndexFileName(1)));
        await FlipByteAsync(PhysicalVolume.DataFileName(1), NeedleFormat.SuperblockBytes + NeedleFormat.HeaderBytes + 17);

        Assert.That(async () => await PhysicalVolume.OpenAsync(_storage, 1),
            Throws.TypeOf<CorruptDataException>()
                .With.Property(nameof(CorruptDataException.Offset)).EqualTo(NeedleFormat.SuperblockBytes)
                .And.Property(nameof(CorruptDataException.FileName)).EqualTo(PhysicalVolume.DataFileName(1)));
    }

    [Test]
    public async Task A_corrupt_needle_is_never_returned_and_is_reported()
    {
        var reported = new List<NeedleCorruptException>();
        var options = new VolumeOptions { CorruptionObserved = reported.Add };
        await using var volume = await PhysicalVolume.CreateAsync(_storage, 1, options);
        await volume.WriteAsync(1, 0, 1, Blob(1, 300));
        await FlipByteAsync(PhysicalVolume.DataFileName(1), NeedleFormat.SuperblockBytes + NeedleFormat.HeaderBytes + 100);

        Assert.That(async () => await volume.ReadAsync(1, 0, 1), Throws.TypeOf<NeedleCorruptException>().With.Message.Contains("checksum"));
        Assert.That(reported, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_leased_read_returns_the_same_bytes_and_refuses_what_a_read_refuses()
    {
        var reported = new List<NeedleCorruptException>();
        await using var volume = await PhysicalVolume.CreateAsync(_storage, 1, new VolumeOptions { CorruptionObserved = reported.Add });
        await volume.WriteAsync(1, 0, 11, Blob(1, 300));
        await volume.WriteAsync(2, 0, 22, Blob(2, 40_000));

        var lease = await volume.ReadLeasedAsync(2, 0, 22);
        Assert.That(lease.Memory.ToArray(), Is.EqualTo(Blob(2, 40_000)));
        lease.Dispose();
        lease.Dispose();
        Assert.That(() => lease.Memory, Throws.TypeOf<ObjectDisposedException>());

        await FlipByteAsync(PhysicalVolume.DataFileName(1), NeedleFormat.SuperblockBytes + NeedleFormat.HeaderBytes + 100);
        Assert.Multiple(() =>
        {
            Assert.That(async () => await volume.ReadLeasedAsync(2, 0, 23), Throws.TypeOf<CookieMismatchException>());
            Assert.That(async () => await volume.ReadLeasedAsync(3, 0, 22), Throws.TypeOf<NeedleNotFoundException>());
            Assert.That(async () => await volume.ReadLeasedAsync(1, 0, 11), Throws.TypeOf<NeedleCorruptException>().With.Message.Contains("checksum"));
        });
        Assert.That(reported, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Reads_that_complete_asynchronously_check_the_needle_and_let_the_file_close()
    {
        var storage = new InstrumentedStorage(_storage) { YieldOnRead = true };
        var volume = await PhysicalVolume.CreateAsync(storage, 1);
        await volume.WriteAsync(1, 0, 11, Blob(1, 3000));

        Assert.That((await volume.ReadAsync(1, 0, 11)).ToArray(), Is.EqualTo(Blob(1, 3000)));
        using (var lease = await volume.ReadLeasedAsync(1, 0, 11))
        {
            Assert.That(lease.Memory.ToArray(), Is.EqualTo(Blob(1, 3000)));
        }

        Assert.That(async () => await volume.ReadAsync(1, 0, 12), Throws.TypeOf<CookieMismatchException>());
        Assert.That(async () => await volume.ReadLeasedAsync(1, 0, 12), Throws.TypeOf<CookieMismatchException>());

        // Closing waits for every read that pinned the file; one that failed to unpin would hang it.
        var disposed = volume.DisposeAsync().AsTask();
        Assert.That(await Task.WhenAny(disposed, Task.Delay(TimeSpan.FromSeconds(30))), Is.SameAs(disposed));
    }

    [Test]
    public async Task Compaction_reclaims_space_and_keeps_every_live_needle()
    {
        await using var volume = await PhysicalVolume.CreateAsync(_storage, 1);
        for (var i = 0; i < 100; i++)
        {
            await volume.WriteAsync((ulong)i, 0, 1, Blob(i, 1000));
        }

        for (var i = 0; i < 100; i += 2)
        {
            await volume.DeleteAsync((ulong)i, 0);
        }

        await volume.WriteAsync(1, 0, 2, Blob(5001, 1000));
        var fileBefore = new FileInfo(Path.Combine(_root, PhysicalVolume.DataFileName(1))).Length;

        var result = await volume.CompactAsync();

        var fileAfter = new FileInfo(Path.Combine(_root, PhysicalVolume.DataFileName(1))).Length;
        Assert.Multiple(async () =>
        {
            Assert.That(result.NeedlesCopied, Is.EqualTo(50));
            Assert.That(fileAfter, Is.EqualTo(NeedleFormat.SuperblockBytes + (50 * NeedleFormat.NeedleBytes(1000))));
            Assert.That(fileAfter, Is.LessThan(fileBefore / 2));
            Assert.That(volume.Generation, Is.EqualTo(1));
            Assert.That((await volume.ReadAsync(1, 0, 2)).ToArray(), Is.EqualTo(Blob(5001, 1000)));
            Assert.That((await volume.ReadAsync(99, 0, 1)).ToArray(), Is.EqualTo(Blob(99, 1000)));
            Assert.That(async () => await volume.ReadAsync(2, 0, 1), Throws.TypeOf<NeedleNotFoundException>());
        });

        await volume.DisposeAsync();
        await using var reopened = await PhysicalVolume.OpenAsync(_storage, 1);
        Assert.That(reopened.NeedleCount, Is.EqualTo(50));
        Assert.That((await reopened.ReadAsync(1, 0, 2)).ToArray(), Is.EqualTo(Blob(5001, 1000)));
    }

    [Test]
    public async Task Writes_and_deletes_during_compaction_are_carried_over()
    {
        var storage = new InstrumentedStorage(_storage) { HoldSuffix = ".compact" };
        await using var volume = await PhysicalVolume.CreateAsync(storage, 1);
        for (var i = 0; i < 20; i++)
        {
            await volume.WriteAsync((ulong)i, 0, 1, Blob(i, 500));
        }

        var compaction = volume.CompactAsync();
        await storage.Held.Task;

        // While the copy is under way: delete a copied needle, overwrite one, add one, and delete a new one.
        await volume.DeleteAsync(3, 0);
        await volume.WriteAsync(4, 0, 2, Blob(404, 500));
        await volume.WriteAsync(100, 0, 1, Blob(100, 500));
        await volume.WriteAsync(101, 0, 1, Blob(101, 500));
        await volume.DeleteAsync(101, 0);
        storage.Release.SetResult();
        await compaction;

        Assert.Multiple(async () =>
        {
            Assert.That(volume.NeedleCount, Is.EqualTo(20));
            Assert.That(async () => await volume.ReadAsync(3, 0, 1), Throws.TypeOf<NeedleNotFoundException>());
            Assert.That(async () => await volume.ReadAsync(101, 0, 1), Throws.TypeOf<NeedleNotFoundException>());
            Assert.That((await volume.ReadAsync(4, 0, 2)).ToArray(), Is.EqualTo(Blob(404, 500)));
            Assert.That((await volume.ReadAsync(100, 0, 1)).ToArray(), Is.EqualTo(Blob(100, 500)));
            Assert.That((await volume.ReadAsync(19, 0, 1)).ToArray(), Is.EqualTo(Blob(19, 500)));
        });
    }

    [Test]
    public async Task A_copy_left_by_an_interrupted_compaction_is_removed_on_open()
    {
        await using (var volume = await PhysicalVolume.CreateAsync(_storage, 1))
        {
            await volume.WriteAsync(1, 0, 1, Blob(1, 10));
        }

        await File.WriteAllBytesAsync(Path.Combine(_root, PhysicalVolume.CompactFileName(1)), Blob(9, 999));
        await using var reopened = await PhysicalVolume.OpenAsync(_storage, 1);

        Assert.Multiple(() =>
        {
            Assert.That(_storage.Exists(PhysicalVolume.CompactFileName(1)), Is.False);
            Assert.That(reopened.NeedleCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_full_volume_refuses_writes_and_becomes_read_only()
    {
        await using var volume = await PhysicalVolume.CreateAsync(_storage, 1, new VolumeOptions { MaxVolumeBytes = 4096 });
        await volume.WriteAsync(1, 0, 1, Blob(1, 2000));

        Assert.That(async () => await volume.WriteAsync(2, 0, 1, Blob(2, 2500)), Throws.TypeOf<VolumeFullException>());
        Assert.That(volume.IsReadOnly, Is.True);
        Assert.That((await volume.ReadAsync(1, 0, 1)).Length, Is.EqualTo(2000));
    }

    private async Task FlipByteAsync(string name, long offset)
    {
        await using var file = await _storage.OpenAsync(name, StorageOpenMode.OpenExisting);
        var one = new byte[1];
        await file.ReadAsync(offset, one);
        one[0] ^= 0x40;
        await file.WriteAsync(offset, one);
        await file.FlushAsync();
    }
}
