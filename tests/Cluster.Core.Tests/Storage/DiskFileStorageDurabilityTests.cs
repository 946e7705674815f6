using System.Text;
using Cluster.Core.Tests.Infrastructure;

namespace Cluster.Core.Tests.Storage;

public sealed class DiskFileStorageDurabilityTests : DiskStorageFixture
{
    [Test]
    public async Task Flush_reaches_fsync_once_per_call()
    {
        await using var file = await Storage.OpenAsync("wal", StorageOpenMode.CreateNew);
        await file.AppendAsync(Encoding.ASCII.GetBytes("record"));
        var before = Storage.FileFlushCount;

        await file.FlushAsync();
        await file.FlushAsync();

        Assert.That(Storage.FileFlushCount, Is.EqualTo(before + 2));
    }

    [Test]
    public async Task Creating_a_file_leaves_its_folder_to_sync_and_a_sync_clears_it()
    {
        await (await Storage.OpenAsync("new-file", StorageOpenMode.CreateNew)).DisposeAsync();
        Assert.That(Storage.UnsyncedFolderCount, Is.EqualTo(1));
        var before = Storage.FolderSyncCount;

        await Storage.SyncDirectoryAsync();

        Assert.That(Storage.UnsyncedFolderCount, Is.Zero);
        Assert.That(Storage.FolderSyncCount - before, Is.EqualTo(OperatingSystem.IsWindows() ? 0 : 1));
    }

    [Test]
    public async Task Creating_a_file_in_new_subfolders_syncs_every_folder_that_gained_an_entry()
    {
        await (await Storage.OpenAsync("a/b/c", StorageOpenMode.CreateNew)).DisposeAsync();

        // "a" is new in the root, "b" is new in "a", "c" is new in "b".
        Assert.That(Storage.UnsyncedFolderCount, Is.EqualTo(3));
        await Storage.SyncDirectoryAsync();
        Assert.That(Storage.UnsyncedFolderCount, Is.Zero);
    }

    [Test]
    public async Task Opening_an_existing_file_changes_no_folder()
    {
        await (await Storage.OpenAsync("f", StorageOpenMode.CreateNew)).DisposeAsync();
        await Storage.SyncDirectoryAsync();

        await (await Storage.OpenAsync("f", StorageOpenMode.OpenOrCreate)).DisposeAsync();
        await (await Storage.OpenAsync("f", StorageOpenMode.OpenExisting)).DisposeAsync();

        Assert.That(Storage.UnsyncedFolderCount, Is.Zero);
    }

    [Test]
    public async Task Rename_and_delete_leave_their_folders_to_sync()
    {
        await (await Storage.OpenAsync("x/one", StorageOpenMode.CreateNew)).DisposeAsync();
        await (await Storage.OpenAsync("y/two", StorageOpenMode.CreateNew)).DisposeAsync();
        await Storage.SyncDirectoryAsync();

        await Storage.RenameAsync("x/one", "y/one");
        Assert.That(Storage.UnsyncedFolderCount, Is.EqualTo(2));
        await Storage.SyncDirectoryAsync();

        await Storage.DeleteAsync("y/two");
        Assert.That(Storage.UnsyncedFolderCount, Is.EqualTo(1));
        var before = Storage.FolderSyncCount;
        await Storage.SyncDirectoryAsync();
        Assert.That(Storage.FolderSyncCount - before, Is.EqualTo(OperatingSystem.IsWindows() ? 0 : 1));
    }

    [Test]
    public async Task A_second_sync_with_nothing_changed_does_nothing()
    {
        await (await Storage.OpenAsync("f", StorageOpenMode.CreateNew)).DisposeAsync();
        await Storage.SyncDirectoryAsync();
        var before = Storage.FolderSyncCount;

        await Storage.SyncDirectoryAsync();

        Assert.That(Storage.FolderSyncCount, Is.EqualTo(before));
    }

    [TestCase(28, true)]
    [TestCase(5, false)]
    [TestCase(2, false)]
    public void Disk_full_errors_are_recognised_by_their_code(int errno, bool full)
    {
        // On Windows the codes are ERROR_DISK_FULL and its HRESULT; elsewhere the raw errno that .NET puts in HResult.
        var code = OperatingSystem.IsWindows() ? (full ? 112 : errno) : errno;
        Assert.That(DiskFileStorage.IsDiskFull(new IOException("test", code)), Is.EqualTo(full));
    }

    [Test]
    [Platform("Linux")]
    public async Task A_write_to_a_full_device_raises_StorageFullException()
    {
        // /dev/full answers every write with ENOSPC: a real full disk, reached through a link in the storage.
        File.CreateSymbolicLink(Path.Combine(FolderPath, "full"), "/dev/full");
        await using var file = await Storage.OpenAsync("full", StorageOpenMode.OpenExisting);

        var thrown = Assert.ThrowsAsync<StorageFullException>(async () => await file.WriteAsync(0, new byte[] { 1, 2, 3 }));

        Assert.That(thrown!.FileName, Is.EqualTo("full"));
        Assert.That(thrown.Location, Is.EqualTo(Storage.Location));
        Assert.That(thrown.InnerException, Is.InstanceOf<IOException>());
    }
}
