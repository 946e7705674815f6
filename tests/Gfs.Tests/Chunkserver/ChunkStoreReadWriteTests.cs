using Cluster.Core;

namespace Gfs.Tests.Chunkserver;

/// <summary>Writes, appends, padding and overwrites read back exactly, across block boundaries, reopens and crashes.</summary>
public sealed class ChunkStoreReadWriteTests
{
    private const int Block = ChunkStore.BlockSize;
    private const ulong Handle = 0x42;

    [Test]
    public void Writes_across_block_boundaries_read_back_exactly_through_every_read_path()
    {
        var disk = new ChunkDisk();
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            await store.CreateAsync(Handle, 1);
            var model = new List<byte>();

            // Extensions ending mid-block, on a boundary, and spanning several blocks; then overwrites of every shape.
            (long Offset, int Bytes)[] writes =
            [
                (0, 1000), (1000, Block - 1000), (Block, (2 * Block) + 17), ((3 * Block) + 17, 5),
                (10, 20), (Block - 3, 6), (Block / 2, 2 * Block), (0, Block), ((3 * Block) + 10, 300),
            ];
            var seed = 1UL;
            foreach (var (offset, bytes) in writes)
            {
                var data = ChunkDisk.Bytes(bytes, seed++);
                await store.WriteAsync(Handle, offset, data);
                Apply(model, offset, data);
            }

            Assert.That(store.TryGetInfo(Handle, out var info), Is.True);
            Assert.That(info, Is.EqualTo(new ChunkInfo(Handle, 1, model.Count, IsCorrupt: false)));
            Assert.That(await store.ReadAllAsync(Handle), Is.EqualTo(model.ToArray()));

            // Aligned, unaligned, single-byte and boundary-straddling reads.
            (long Offset, int Bytes)[] reads = [(0, Block), (1, Block), (Block - 1, 2), (Block, 2 * Block), (7, (3 * Block) + 100), ((3 * Block) + 16, 1)];
            foreach (var (offset, bytes) in reads)
            {
                var buffer = new byte[bytes];
                var read = await store.ReadAsync(Handle, offset, buffer);
                Assert.That(read, Is.EqualTo(bytes), $"read of {bytes} at {offset}");
                Assert.That(buffer, Is.EqualTo(model.GetRange((int)offset, bytes).ToArray()), $"read of {bytes} at {offset}");
            }

            Assert.That(await store.VerifyAsync(Handle), Is.EqualTo(-1));
        });
    }

    [Test]
    public void Small_appends_fill_the_last_block_incrementally_and_an_overwrite_inside_it_keeps_the_rest()
    {
        var disk = new ChunkDisk();
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            await store.CreateAsync(Handle, 1);
            var model = new List<byte>();
            for (var i = 0; i < 40; i++)
            {
                var data = ChunkDisk.Bytes(3000 + i, (ulong)i);
                Assert.That(await store.AppendAsync(Handle, data), Is.EqualTo(model.Count), "append returns the old length");
                model.AddRange(data);
            }

            // Inside the partial last block, across the boundary before it, and past the end.
            var inside = ChunkDisk.Bytes(100, 100);
            await store.WriteAsync(Handle, model.Count - 200, inside);
            Apply(model, model.Count - 200, inside);
            var across = ChunkDisk.Bytes(Block, 101);
            await store.WriteAsync(Handle, Block + 5, across);
            Apply(model, Block + 5, across);
            var beyond = ChunkDisk.Bytes(5000, 102);
            await store.WriteAsync(Handle, model.Count - 10, beyond);
            Apply(model, model.Count - 10, beyond);
            await store.AppendAsync(Handle, ChunkDisk.Bytes(77, 103));
            model.AddRange(ChunkDisk.Bytes(77, 103));

            Assert.That(await store.ReadAllAsync(Handle), Is.EqualTo(model.ToArray()));
            Assert.That(await store.VerifyAsync(Handle), Is.EqualTo(-1));
        });
    }

    [Test]
    public void A_write_past_the_end_and_padding_leave_zeros_whose_checksums_verify()
    {
        var disk = new ChunkDisk();
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            await store.CreateAsync(Handle, 1);
            await store.AppendAsync(Handle, ChunkDisk.Bytes(100, 1));
            var data = ChunkDisk.Bytes(10, 2);
            await store.WriteAsync(Handle, (2 * Block) + 50, data);
            await store.PadToAsync(Handle, (4 * Block) + 3);
            await store.PadToAsync(Handle, 10); // never shrinks

            var expected = new byte[(4 * Block) + 3];
            ChunkDisk.Bytes(100, 1).CopyTo(expected, 0);
            data.CopyTo(expected, (2 * Block) + 50);
            Assert.That(await store.ReadAllAsync(Handle), Is.EqualTo(expected));
            Assert.That(await store.VerifyAsync(Handle), Is.EqualTo(-1));
            Assert.That(store.TryGetInfo(Handle, out var info) ? info.Length : -1, Is.EqualTo(expected.Length));
        });
    }

    [Test]
    public void Reads_at_or_past_the_end_return_nothing_and_reads_across_it_are_short()
    {
        var disk = new ChunkDisk();
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            await store.CreateAsync(Handle, 1);
            Assert.That(await store.ReadAsync(Handle, 0, new byte[10]), Is.Zero, "an empty chunk");
            var data = ChunkDisk.Bytes(Block + 10, 1);
            await store.AppendAsync(Handle, data);
            var buffer = new byte[100];
            Assert.That(await store.ReadAsync(Handle, Block, buffer), Is.EqualTo(10));
            Assert.That(buffer.AsSpan(0, 10).ToArray(), Is.EqualTo(data.AsSpan(Block, 10).ToArray()));
            Assert.That(await store.ReadAsync(Handle, Block + 10, buffer), Is.Zero);
            Assert.That(await store.ReadAsync(Handle, 7 * Block, buffer), Is.Zero);
            Assert.That(await store.ReadAsync(Handle, 0, Memory<byte>.Empty), Is.Zero);
        });
    }

    [Test]
    public void State_survives_a_reopen_and_a_crash_that_loses_every_unsynced_write()
    {
        var disk = new ChunkDisk(options: new Cluster.Simulation.DiskOptions { UnsyncedLoss = Cluster.Simulation.UnsyncedLossMode.LoseAll });
        var model = new List<byte>();
        disk.Run(async () =>
        {
            var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            await store.CreateAsync(Handle, 3);
            await store.CreateAsync(Handle + 1, 1);
            await store.AppendAsync(Handle, ChunkDisk.Bytes(2 * Block, 1));
            model.AddRange(ChunkDisk.Bytes(2 * Block, 1));
            await store.WriteAsync(Handle, 100, ChunkDisk.Bytes(Block, 2));
            Apply(model, 100, ChunkDisk.Bytes(Block, 2));
            await store.SetVersionAsync(Handle, 5);
            await store.DisposeAsync();

            await using var reopened = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            Assert.That(reopened.List(), Is.EqualTo(new[] { new ChunkInfo(Handle, 5, model.Count, false), new ChunkInfo(Handle + 1, 1, 0, false) }));
            Assert.That(await reopened.ReadAllAsync(Handle), Is.EqualTo(model.ToArray()));
            await reopened.AppendAsync(Handle, ChunkDisk.Bytes(999, 3));
            model.AddRange(ChunkDisk.Bytes(999, 3));
        });

        disk.Crash(tearLastWrite: true);
        disk.Run(async () =>
        {
            await using var recovered = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            Assert.That(recovered.List(), Is.EqualTo(new[] { new ChunkInfo(Handle, 5, model.Count, false), new ChunkInfo(Handle + 1, 1, 0, false) }));
            Assert.That(await recovered.ReadAllAsync(Handle), Is.EqualTo(model.ToArray()));
            Assert.That(await recovered.VerifyAsync(Handle), Is.EqualTo(-1));
        });
    }

    [Test]
    public void Versions_only_grow_and_the_same_version_is_a_no_op()
    {
        var disk = new ChunkDisk();
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            await store.CreateAsync(Handle, 4);
            await store.SetVersionAsync(Handle, 4);
            await store.SetVersionAsync(Handle, 9);
            var refused = await Expect.ThrowsAsync<ChunkVersionException>(() => store.SetVersionAsync(Handle, 8));
            Assert.That(refused.CurrentVersion, Is.EqualTo(9));
            Assert.That(refused.RequestedVersion, Is.EqualTo(8));
            Assert.That(refused.Message, Does.Contain("refusing to lower"));
            Assert.That(store.TryGetInfo(Handle, out var info) ? info.Version : 0, Is.EqualTo(9));
        });
    }

    [Test]
    public void Create_is_idempotent_at_the_same_version_and_refused_at_another()
    {
        var disk = new ChunkDisk();
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            await store.CreateAsync(Handle, 2);
            await store.AppendAsync(Handle, ChunkDisk.Bytes(10, 1));
            await store.CreateAsync(Handle, 2);
            Assert.That(await store.ReadAllAsync(Handle), Is.EqualTo(ChunkDisk.Bytes(10, 1)), "a repeated create keeps the data");
            var refused = await Expect.ThrowsAsync<ChunkExistsException>(() => store.CreateAsync(Handle, 3));
            Assert.That(refused.ExistingVersion, Is.EqualTo(2));
        });
    }

    [Test]
    public void Delete_removes_the_files_for_good_and_the_handle_can_be_created_again()
    {
        var disk = new ChunkDisk();
        disk.Run(async () =>
        {
            var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            await store.CreateAsync(Handle, 1);
            await store.AppendAsync(Handle, ChunkDisk.Bytes(Block, 1));
            await store.DeleteAsync(Handle);
            Assert.That(disk.Disk.List(ChunkStoreOptions.DefaultFilePrefix), Is.Empty);
            Assert.That(store.TryGetInfo(Handle, out _), Is.False);
            await Expect.ThrowsAsync<ChunkNotFoundException>(() => store.ReadAsync(Handle, 0, new byte[1]));
            await Expect.ThrowsAsync<ChunkNotFoundException>(() => store.DeleteAsync(Handle));
            await store.CreateAsync(Handle, 7);
            Assert.That(await store.ReadAllAsync(Handle), Is.Empty);
            await store.DisposeAsync();
        });

        disk.Crash();
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            Assert.That(store.List(), Is.EqualTo(new[] { new ChunkInfo(Handle, 7, 0, false) }));
        });
    }

    [Test]
    public void Operations_on_different_chunks_overlap_and_operations_on_one_chunk_run_in_arrival_order()
    {
        var disk = new ChunkDisk();
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            await Task.WhenAll(Enumerable.Range(1, 4).Select(h => store.CreateAsync((ulong)h, 1)));

            // Started together and awaited together: appends to one chunk land in call order, each on its own chunk independently.
            var appends = new List<Task<long>>();
            for (var i = 0; i < 12; i++)
            {
                appends.Add(store.AppendAsync((ulong)(1 + (i % 4)), ChunkDisk.Bytes(5000, (ulong)i)));
            }

            var offsets = await Task.WhenAll(appends);
            for (var i = 0; i < 12; i++)
            {
                Assert.That(offsets[i], Is.EqualTo(5000 * (i / 4)), $"append {i}");
            }

            for (var h = 1; h <= 4; h++)
            {
                var expected = new[] { h - 1, h + 3, h + 7 }.SelectMany(i => ChunkDisk.Bytes(5000, (ulong)i)).ToArray();
                Assert.That(await store.ReadAllAsync((ulong)h), Is.EqualTo(expected), $"chunk {h}");
            }
        });
    }

    [Test]
    public void An_append_costs_two_fsyncs_an_overwrite_two_and_a_version_change_one_and_none_syncs_the_folder()
    {
        var disk = new ChunkDisk();
        var storage = new CountingStorage(disk.Disk);
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(storage, ChunkDisk.SmallChunks);
            await store.CreateAsync(Handle, 1);
            (int Files, int Folders) Cost() => (storage.FileFlushes, storage.FolderSyncs);
            var before = Cost();
            await store.AppendAsync(Handle, ChunkDisk.Bytes(5 * Block, 1));
            Assert.That(Cost(), Is.EqualTo((before.Files + 2, before.Folders)), "append");
            before = Cost();
            await store.WriteAsync(Handle, Block - 500, ChunkDisk.Bytes(1000, 2));
            Assert.That(Cost(), Is.EqualTo((before.Files + 2, before.Folders)), "overwrite");

            // An overwrite's redo data counts towards the journal's bound, so a large one is followed by a journal rewrite.
            before = Cost();
            await store.WriteAsync(Handle, 10, ChunkDisk.Bytes(Block, 3));
            Assert.That(Cost(), Is.EqualTo((before.Files + 3, before.Folders + 1)), "large overwrite and journal rewrite");
            before = Cost();
            await store.SetVersionAsync(Handle, 2);
            Assert.That(Cost(), Is.EqualTo((before.Files + 1, before.Folders)), "version");
            before = Cost();
            await store.ReadAllAsync(Handle);
            Assert.That(Cost(), Is.EqualTo(before), "read");
        });
    }

    [Test]
    public void The_journal_is_rewritten_when_it_outgrows_its_bound_and_keeps_the_state()
    {
        var disk = new ChunkDisk();
        var options = new ChunkStoreOptions { ChunkSizeBytes = 8 * Block, JournalCompactionBytes = 2048 };
        var model = new List<byte>();
        disk.Run(async () =>
        {
            var store = await ChunkStore.OpenAsync(disk.Disk, options);
            await store.CreateAsync(Handle, 1);
            for (var i = 0; i < 300; i++)
            {
                var data = ChunkDisk.Bytes(100 + i, (ulong)i);
                if (i % 3 == 0 && model.Count > 500)
                {
                    await store.WriteAsync(Handle, model.Count - 400, data);
                    Apply(model, model.Count - 400, data);
                }
                else
                {
                    await store.AppendAsync(Handle, data);
                    model.AddRange(data);
                }

                Assert.That(disk.Disk.ReadAllBytes(ChunkDisk.JournalName(Handle))!.Length, Is.LessThanOrEqualTo(2048 + 1000), $"journal bound after write {i}");
            }

            await store.SetVersionAsync(Handle, 2);
            await store.DisposeAsync();
        });

        disk.Crash(tearLastWrite: true);
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, options);
            Assert.That(store.List(), Is.EqualTo(new[] { new ChunkInfo(Handle, 2, model.Count, false) }));
            Assert.That(await store.ReadAllAsync(Handle), Is.EqualTo(model.ToArray()));
            Assert.That(disk.Disk.List(), Has.None.EndsWith(".tmp"));
        });
    }

    private static void Apply(List<byte> model, long offset, byte[] data)
    {
        while (model.Count < offset + data.Length)
        {
            model.Add(0);
        }

        for (var i = 0; i < data.Length; i++)
        {
            model[(int)offset + i] = data[i];
        }
    }
}
