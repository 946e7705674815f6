using Cluster.Core;

namespace Gfs.Tests.Chunkserver;

/// <summary>
/// A bit flipped in acknowledged data on the medium is caught by every read path, named by handle, block and file, never
/// returned, and keeps the replica marked corrupt until it is deleted (GFS §5.2).
/// </summary>
public sealed class ChunkChecksumTests
{
    private const int Block = ChunkStore.BlockSize;
    private const ulong Handle = 0x99;

    [Test]
    public void A_flipped_bit_fails_the_read_that_touches_its_block_and_every_read_after_it()
    {
        var disk = new ChunkDisk();
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            var data = await CreateFilledAsync(store, 4 * Block);
            disk.Disk.FlipBit(ChunkDisk.DataName(Handle), (2 * Block) + 1234, 5);

            var untouched = new byte[Block];
            Assert.That(await store.ReadAsync(Handle, 0, untouched), Is.EqualTo(Block), "a read of another block still works");
            Assert.That(untouched, Is.EqualTo(data[..Block]));

            var buffer = new byte[2 * Block];
            var failure = await Expect.ThrowsAsync<ChunkCorruptException>(() => store.ReadAsync(Handle, (2 * Block) - 10, buffer));
            Assert.Multiple(() =>
            {
                Assert.That(failure.Handle, Is.EqualTo(Handle));
                Assert.That(failure.BlockIndex, Is.EqualTo(2));
                Assert.That(failure.FileName, Is.EqualTo(ChunkDisk.DataName(Handle)));
                Assert.That(failure.Message, Does.Contain("block 2").And.Contain(ChunkDisk.DataName(Handle)));
                Assert.That(buffer, Is.All.EqualTo(0), "no byte of the failing read reaches the caller's buffer");
                Assert.That(store.TryGetInfo(Handle, out var info) && info.IsCorrupt, Is.True, "listed as corrupt");
                Assert.That(store.List().Single().IsCorrupt, Is.True);
            });

            // Marked: reads of healthy blocks fail too, as do overwrites, appends and version changes.
            await Expect.ThrowsAsync<ChunkCorruptException>(() => store.ReadAsync(Handle, 0, untouched));
            await Expect.ThrowsAsync<ChunkCorruptException>(() => store.ReadAllAsync(Handle));
            await Expect.ThrowsAsync<ChunkCorruptException>(() => store.AppendAsync(Handle, new byte[1]));
            await Expect.ThrowsAsync<ChunkCorruptException>(() => store.SetVersionAsync(Handle, 5));
            Assert.That(await store.VerifyAsync(Handle), Is.EqualTo(2));
        });
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    public void Every_read_path_catches_the_flip_on_its_own(int path)
    {
        var disk = new ChunkDisk();
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            await CreateFilledAsync(store, (3 * Block) + 500);

            // The last, partial block: covered by an incrementally extended checksum.
            disk.Disk.FlipBit(ChunkDisk.DataName(Handle), (3 * Block) + 499, 0);
            long block = path switch
            {
                0 => (await Expect.ThrowsAsync<ChunkCorruptException>(() => store.ReadAsync(Handle, 3 * Block, new byte[500]))).BlockIndex,
                1 => (await Expect.ThrowsAsync<ChunkCorruptException>(() => store.ReadAllAsync(Handle))).BlockIndex,
                _ => await store.VerifyAsync(Handle),
            };
            Assert.That(block, Is.EqualTo(3));
            Assert.That(store.List().Single().IsCorrupt, Is.True);
        });
    }

    [Test]
    public void An_overwrite_refuses_to_cover_damage_in_the_part_of_a_block_it_keeps()
    {
        var disk = new ChunkDisk();
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            await CreateFilledAsync(store, 3 * Block);
            disk.Disk.FlipBit(ChunkDisk.DataName(Handle), Block + 10, 1);
            var journalBefore = disk.Disk.ReadAllBytes(ChunkDisk.JournalName(Handle))!.Length;

            // The write covers bytes 100.. of block 1; the flip at 10 would be hidden by a checksum recomputed over the block.
            var failure = await Expect.ThrowsAsync<ChunkCorruptException>(() => store.WriteAsync(Handle, Block + 100, new byte[2 * Block]));
            Assert.That(failure.BlockIndex, Is.EqualTo(1));
            Assert.That(disk.Disk.ReadAllBytes(ChunkDisk.JournalName(Handle))!.Length, Is.GreaterThan(journalBefore), "the corrupt mark was recorded");
            Assert.That(disk.Disk.ReadAllBytes(ChunkDisk.DataName(Handle))!.Length, Is.EqualTo(3 * Block), "nothing was written");
        });
    }

    [Test]
    public void Damage_in_the_last_partial_block_stays_visible_after_appends_extend_its_checksum()
    {
        var disk = new ChunkDisk();
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            await CreateFilledAsync(store, Block + 300);
            disk.Disk.FlipBit(ChunkDisk.DataName(Handle), Block + 7, 7);
            await store.AppendAsync(Handle, new byte[1000]);
            await store.AppendAsync(Handle, new byte[Block]);
            Assert.That((await Expect.ThrowsAsync<ChunkCorruptException>(() => store.ReadAsync(Handle, Block + 500, new byte[10]))).BlockIndex, Is.EqualTo(1));
        });
    }

    [Test]
    public void The_corrupt_mark_survives_a_restart_and_only_a_delete_clears_it()
    {
        var disk = new ChunkDisk();
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            await CreateFilledAsync(store, 2 * Block);
            disk.Disk.FlipBit(ChunkDisk.DataName(Handle), 3, 3);
            Assert.That(await store.VerifyAsync(Handle), Is.Zero);
        });

        disk.Crash();
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            Assert.That(store.List().Single(), Is.EqualTo(new ChunkInfo(Handle, 1, 2 * Block, IsCorrupt: true)));
            Assert.That((await Expect.ThrowsAsync<ChunkCorruptException>(() => store.ReadAsync(Handle, Block, new byte[1]))).BlockIndex, Is.Zero);
            await store.DeleteAsync(Handle);
            await store.CreateAsync(Handle, 2);
            await store.AppendAsync(Handle, new byte[10]);
            Assert.That(await store.ReadAllAsync(Handle), Is.EqualTo(new byte[10]));
            Assert.That(store.List().Single().IsCorrupt, Is.False);
        });
    }

    [Test]
    public void Damage_inside_the_journal_marks_the_chunk_corrupt_at_open_and_spares_the_others()
    {
        var disk = new ChunkDisk();
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            await CreateFilledAsync(store, 2 * Block);
            await store.SetVersionAsync(Handle, 2);
            await store.CreateAsync(Handle + 1, 1);
            await store.AppendAsync(Handle + 1, new byte[100]);
        });

        // The first record (the snapshot written at create): valid records follow, so this is not a torn tail.
        disk.Disk.FlipBit(ChunkDisk.JournalName(Handle), 40, 2);
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            Assert.That(store.List().Select(c => (c.Handle, c.IsCorrupt)), Is.EqualTo(new[] { (Handle, true), (Handle + 1, false) }));
            var failure = await Expect.ThrowsAsync<ChunkCorruptException>(() => store.ReadAsync(Handle, 0, new byte[1]));
            Assert.That(failure.BlockIndex, Is.EqualTo(-1));
            Assert.That(failure.FileName, Is.EqualTo(ChunkDisk.JournalName(Handle)));
            await Expect.ThrowsAsync<ChunkCorruptException>(() => store.VerifyAsync(Handle));
            Assert.That(await store.ReadAllAsync(Handle + 1), Is.EqualTo(new byte[100]));
        });
    }

    [Test]
    public void A_transient_read_error_is_read_again_and_does_not_mark_the_chunk()
    {
        var disk = new ChunkDisk();
        var storage = new CountingStorage(disk.Disk);
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(storage, ChunkDisk.SmallChunks);
            var data = await CreateFilledAsync(store, 3 * Block);
            storage.FlipNextDataRead = true;
            Assert.That(await store.ReadAllAsync(Handle), Is.EqualTo(data));
            Assert.That(storage.FlipNextDataRead, Is.False, "the flip happened");
            Assert.That(store.List().Single().IsCorrupt, Is.False);
        });
    }

    private static async Task<byte[]> CreateFilledAsync(ChunkStore store, int bytes)
    {
        await store.CreateAsync(Handle, 1);
        var data = ChunkDisk.Bytes(bytes, 7);
        await store.AppendAsync(Handle, data);
        return data;
    }
}
