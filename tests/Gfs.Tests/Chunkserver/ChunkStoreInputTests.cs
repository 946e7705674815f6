using Cluster.Core;

namespace Gfs.Tests.Chunkserver;

/// <summary>Bad arguments, unknown handles and misuse get clear exceptions that name what is wrong, and change nothing.</summary>
public sealed class ChunkStoreInputTests
{
    private const int Block = ChunkStore.BlockSize;
    private const ulong Handle = 5;

    [Test]
    public void Options_are_validated_naming_the_property()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new ChunkStoreOptions { ChunkSizeBytes = Block - 1 }.Validate(),
                Throws.TypeOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("ChunkSizeBytes"));
            Assert.That(() => new ChunkStoreOptions { ChunkSizeBytes = ChunkStoreOptions.MaxChunkSizeBytes + 1 }.Validate(),
                Throws.TypeOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("ChunkSizeBytes"));
            Assert.That(() => new ChunkStoreOptions { FilePrefix = "../chunks/" }.Validate(),
                Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("FilePrefix"));
            Assert.That(() => new ChunkStoreOptions { FilePrefix = "chunk files " }.Validate(),
                Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("FilePrefix"));
            Assert.That(() => new ChunkStoreOptions { JournalCompactionBytes = 0 }.Validate(),
                Throws.TypeOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("JournalCompactionBytes"));
            Assert.That(() => new ChunkStoreOptions { ChunkSizeBytes = Block, FilePrefix = "gfs/chunks/c", JournalCompactionBytes = 1 }.Validate(), Throws.Nothing);
        });
    }

    [Test]
    public void Offsets_lengths_and_sizes_outside_the_chunk_are_refused_with_the_limits_in_the_message()
    {
        var disk = new ChunkDisk();
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            var size = ChunkDisk.SmallChunks.ChunkSizeBytes;
            await store.CreateAsync(Handle, 1);
            await store.AppendAsync(Handle, new byte[100]);

            Assert.That((await Expect.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ReadAsync(Handle, -1, new byte[1]))).ParamName, Is.EqualTo("offset"));
            Assert.That((await Expect.ThrowsAsync<ArgumentOutOfRangeException>(() => store.WriteAsync(Handle, -1, new byte[1]))).ParamName, Is.EqualTo("offset"));
            Assert.That((await Expect.ThrowsAsync<ArgumentOutOfRangeException>(() => store.WriteAsync(Handle, size + 1, new byte[1]))).ParamName, Is.EqualTo("offset"));
            var tooLong = await Expect.ThrowsAsync<ArgumentOutOfRangeException>(() => store.WriteAsync(Handle, size - 10, new byte[11]));
            Assert.That(tooLong.ParamName, Is.EqualTo("data"));
            Assert.That(tooLong.Message, Does.Contain($"past the chunk size of {size} bytes"));
            Assert.That((await Expect.ThrowsAsync<ArgumentOutOfRangeException>(() => store.AppendAsync(Handle, new byte[size + 1]))).Message, Does.Contain("longer than a whole chunk"));
            Assert.That((await Expect.ThrowsAsync<ArgumentOutOfRangeException>(() => store.PadToAsync(Handle, size + 1))).ParamName, Is.EqualTo("length"));
            Assert.That((await Expect.ThrowsAsync<ArgumentOutOfRangeException>(() => store.PadToAsync(Handle, -1))).ParamName, Is.EqualTo("length"));

            var full = await Expect.ThrowsAsync<ChunkFullException>(() => store.AppendAsync(Handle, new byte[size - 99]));
            Assert.That((full.Handle, full.Length, full.ChunkSizeBytes, full.RequestedBytes), Is.EqualTo((Handle, 100L, size, size - 99)));
            Assert.That(full.Message, Does.Contain("does not fit"));

            // Exactly filling the chunk is fine; nothing refused above changed it.
            await store.WriteAsync(Handle, size - 10, new byte[10]);
            Assert.That(await store.AppendAsync(Handle, ReadOnlyMemory<byte>.Empty), Is.EqualTo(size));
            await store.WriteAsync(Handle, 3, ReadOnlyMemory<byte>.Empty);
            Assert.That(store.List().Single(), Is.EqualTo(new ChunkInfo(Handle, 1, size, false)));
        });
    }

    [Test]
    public void Every_operation_on_an_unknown_handle_throws_chunk_not_found()
    {
        var disk = new ChunkDisk();
        disk.Run(async () =>
        {
            await using var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            Func<Task>[] operations =
            [
                () => store.ReadAsync(Handle, 0, new byte[1]),
                () => store.ReadAllAsync(Handle),
                () => store.WriteAsync(Handle, 0, new byte[1]),
                () => store.AppendAsync(Handle, new byte[1]),
                () => store.PadToAsync(Handle, 10),
                () => store.SetVersionAsync(Handle, 2),
                () => store.VerifyAsync(Handle),
                () => store.DeleteAsync(Handle),
            ];
            foreach (var operation in operations)
            {
                var missing = await Expect.ThrowsAsync<ChunkNotFoundException>(operation);
                Assert.That(missing.Handle, Is.EqualTo(Handle));
                Assert.That(missing.Message, Does.Contain("0000000000000005"));
            }

            Assert.That(store.TryGetInfo(Handle, out _), Is.False);
        });
    }

    [Test]
    public void A_disposed_store_refuses_operations()
    {
        var disk = new ChunkDisk();
        disk.Run(async () =>
        {
            var store = await ChunkStore.OpenAsync(disk.Disk, ChunkDisk.SmallChunks);
            await store.CreateAsync(Handle, 1);
            await store.DisposeAsync();
            await store.DisposeAsync();
            await Expect.ThrowsAsync<ObjectDisposedException>(() => store.ReadAsync(Handle, 0, new byte[1]));
            await Expect.ThrowsAsync<ObjectDisposedException>(() => store.CreateAsync(Handle + 1, 1));
        });
    }

    [Test]
    public void Open_ignores_other_files_and_removes_leftovers_of_unfinished_creates_and_deletes()
    {
        var disk = new ChunkDisk();
        disk.Run(async () =>
        {
            var storage = disk.Disk;
            await WriteFileAsync(storage, "raft/log-0001", [1, 2, 3]);
            await WriteFileAsync(storage, "chunk-notahandle.dat", [1]);
            await WriteFileAsync(storage, "chunk-00000000000000AA.dat", [1]);

            // A data file without a journal (a delete that got half way), and a journal torn during its create.
            await WriteFileAsync(storage, ChunkDisk.DataName(0x10), new byte[50]);
            await WriteFileAsync(storage, ChunkDisk.JournalName(0x11), [0x47, 0x46, 0x53]);
            await WriteFileAsync(storage, ChunkDisk.DataName(0x11), []);
            await storage.SyncDirectoryAsync();

            await using var store = await ChunkStore.OpenAsync(storage, ChunkDisk.SmallChunks);
            Assert.That(store.List(), Is.Empty);
            Assert.That(storage.List(), Is.EqualTo(new[] { "chunk-00000000000000AA.dat", "chunk-notahandle.dat", "raft/log-0001" }));
        });
    }

    private static async Task WriteFileAsync(IFileStorage storage, string name, byte[] content)
    {
        await using var file = await storage.OpenAsync(name, StorageOpenMode.Truncate);
        await file.WriteAsync(0, content);
        await file.FlushAsync();
    }
}
