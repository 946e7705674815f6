using Cluster.Core;

namespace Gfs.Tests.Chunkserver;

/// <summary>The chunk store on the real file system (<see cref="DiskFileStorage"/> in a temporary folder), with real fsyncs.</summary>
public sealed class ChunkStoreRealDiskTests
{
    private const int Block = ChunkStore.BlockSize;

    [Test]
    public async Task Chunks_round_trip_and_survive_a_reopen_and_damage_on_disk_is_caught()
    {
        var folder = Path.Combine(Path.GetTempPath(), "gfs-chunkstore-tests", Path.GetRandomFileName());
        try
        {
            var storage = new DiskFileStorage(folder);
            var options = new ChunkStoreOptions { ChunkSizeBytes = 16 * Block, FilePrefix = "chunks/" };
            var data = ChunkDisk.Bytes((3 * Block) + 123, 1);
            var patch = ChunkDisk.Bytes(Block, 2);
            await using (var store = await ChunkStore.OpenAsync(storage, options))
            {
                await store.CreateAsync(1, 1);
                await store.CreateAsync(2, 4);
                Assert.That(await store.AppendAsync(1, data), Is.Zero);
                await store.WriteAsync(1, Block / 2, patch);
                await store.PadToAsync(2, Block + 1);
                await store.SetVersionAsync(1, 3);
            }

            patch.CopyTo(data, Block / 2);
            Assert.That(File.Exists(Path.Combine(folder, "chunks", "0000000000000001.dat")), Is.True);
            Assert.That(new FileInfo(Path.Combine(folder, "chunks", "0000000000000001.dat")).Length, Is.EqualTo(data.Length));
            await using (var reopened = await ChunkStore.OpenAsync(new DiskFileStorage(folder), options))
            {
                Assert.That(reopened.List(), Is.EqualTo(new[] { new ChunkInfo(1, 3, data.Length, false), new ChunkInfo(2, 4, Block + 1, false) }));
                Assert.That(await reopened.ReadAllAsync(1), Is.EqualTo(data));
                Assert.That(await reopened.ReadAllAsync(2), Is.EqualTo(new byte[Block + 1]));
                var middle = new byte[1000];
                Assert.That(await reopened.ReadAsync(1, Block - 500, middle), Is.EqualTo(1000));
                Assert.That(middle, Is.EqualTo(data.AsSpan(Block - 500, 1000).ToArray()));
            }

            // Damage behind the store's back, as a failing disk would do it.
            var path = Path.Combine(folder, "chunks", "0000000000000001.dat");
            var bytes = await File.ReadAllBytesAsync(path);
            bytes[(2 * Block) + 9] ^= 0x40;
            await File.WriteAllBytesAsync(path, bytes);
            await using (var damaged = await ChunkStore.OpenAsync(new DiskFileStorage(folder), options))
            {
                var failure = await Expect.ThrowsAsync<ChunkCorruptException>(() => damaged.ReadAllAsync(1));
                Assert.That((failure.Handle, failure.BlockIndex, failure.FileName), Is.EqualTo((1UL, 2L, "chunks/0000000000000001.dat")));
                Assert.That(await damaged.ReadAllAsync(2), Is.EqualTo(new byte[Block + 1]));
            }
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
