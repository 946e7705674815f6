using Cluster.Core;

namespace Gfs.Tests.Chunkserver;

/// <summary>
/// A full disk fails the write that needed the room, at whichever file it hit: acknowledged data stays readable, the chunk
/// stays usable once there is room again, and a crash afterwards recovers the acknowledged state.
/// </summary>
public sealed class ChunkStoreDiskFullTests
{
    private const int Block = ChunkStore.BlockSize;
    private const ulong Handle = 7;

    // Room left after the acknowledged data: none, enough for the data but not its journal record, enough for both but not a rewrite.
    [TestCase(0, TestName = "The data write hits the full disk")]
    [TestCase(Block + 20, TestName = "The journal record hits the full disk")]
    public void A_write_that_finds_the_disk_full_loses_nothing_acknowledged(int room)
    {
        var disk = new ChunkDisk();
        var events = new EventCounter();
        var acknowledged = ChunkDisk.Bytes((2 * Block) + 100, 1);
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks, events);
            await store.CreateAsync(Handle, 1);
            await store.AppendAsync(Handle, acknowledged);
            disk.Disk.CapacityBytes = disk.Disk.UsedBytes + room;

            await Expect.ThrowsAsync<StorageFullException>(() => store.AppendAsync(Handle, ChunkDisk.Bytes(Block, 2)));
            await Expect.ThrowsAsync<StorageFullException>(() => store.WriteAsync(Handle, 10, ChunkDisk.Bytes((3 * Block) + 5, 3)));
            Assert.That(await store.ReadAllAsync(Handle), Is.EqualTo(acknowledged), "acknowledged data is intact while the disk is full");
            Assert.That(store.List().Single(), Is.EqualTo(new ChunkInfo(Handle, 1, acknowledged.Length, false)));
            Assert.That(events[4009], Is.EqualTo(2), "each failed write has the chunk reloaded from its files");
            Assert.That(events[4004], Is.EqualTo(room == 0 ? 0 : 1), "the reload cut the unacknowledged data");

            disk.Disk.CapacityBytes = ChunkDisk.SmallChunks.ChunkSizeBytes * 10;
            await store.AppendAsync(Handle, ChunkDisk.Bytes(500, 4));
            await store.SetVersionAsync(Handle, 2);
        });

        var expected = acknowledged.Concat(ChunkDisk.Bytes(500, 4)).ToArray();
        disk.Crash(tearLastWrite: true);
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            Assert.That(store.List().Single(), Is.EqualTo(new ChunkInfo(Handle, 2, expected.Length, false)));
            Assert.That(await store.ReadAllAsync(Handle), Is.EqualTo(expected));
        });
    }

    [Test]
    public void A_journal_rewrite_that_finds_the_disk_full_does_not_fail_the_acknowledged_write()
    {
        var disk = new ChunkDisk();
        var options = new ChunkStoreOptions { ChunkSizeBytes = ChunkDisk.SmallChunks.ChunkSizeBytes, JournalCompactionBytes = 1 };
        var expected = new List<byte>();
        var events = new EventCounter();
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, options, events);
            await store.CreateAsync(Handle, 1);
            await store.AppendAsync(Handle, ChunkDisk.Bytes(300, 1));
            expected.AddRange(ChunkDisk.Bytes(300, 1));

            // Room for the data and its record, not for the temporary snapshot the rewrite writes next.
            disk.Disk.CapacityBytes = disk.Disk.UsedBytes + 100 + 80;
            await store.AppendAsync(Handle, ChunkDisk.Bytes(100, 2));
            expected.AddRange(ChunkDisk.Bytes(100, 2));
            Assert.That(events[4008], Is.EqualTo(1), "the rewrite failed");
            Assert.That(await store.ReadAllAsync(Handle), Is.EqualTo(expected.ToArray()));

            disk.Disk.CapacityBytes = long.MaxValue / 2;
            await store.AppendAsync(Handle, ChunkDisk.Bytes(100, 3));
            expected.AddRange(ChunkDisk.Bytes(100, 3));
        });

        disk.Crash(tearLastWrite: true);
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, options);
            Assert.That(await store.ReadAllAsync(Handle), Is.EqualTo(expected.ToArray()));
            Assert.That(disk.Disk.List(), Has.None.EndsWith(".tmp"));
        });
    }

    [Test]
    public void A_create_that_finds_the_disk_full_leaves_no_chunk_and_works_once_there_is_room()
    {
        var disk = new ChunkDisk();
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            disk.Disk.CapacityBytes = 10;
            await Expect.ThrowsAsync<StorageFullException>(() => store.CreateAsync(Handle, 1));
            Assert.That(store.List(), Is.Empty);
            Assert.That(disk.Disk.List(), Is.Empty, "the half-made files are gone");

            disk.Disk.CapacityBytes = 1L << 30;
            await store.CreateAsync(Handle, 1);
            Assert.That(store.List().Single(), Is.EqualTo(new ChunkInfo(Handle, 1, 0, false)));
        });
    }
}
