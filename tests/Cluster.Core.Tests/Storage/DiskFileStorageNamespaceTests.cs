using System.Text;
using Cluster.Core.Tests.Infrastructure;

namespace Cluster.Core.Tests.Storage;

public sealed class DiskFileStorageNamespaceTests
{
    private TemporaryFolder _folder = null!;
    private DiskFileStorage _storage = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = new TemporaryFolder();
        _storage = new DiskFileStorage(Path.Combine(_folder.Path, "node-1"));
    }

    [TearDown]
    public void TearDown() => _folder.Dispose();

    [Test]
    public void The_root_folder_is_created_and_named_in_the_location()
    {
        Assert.That(Directory.Exists(Path.Combine(_folder.Path, "node-1")), Is.True);
        Assert.That(_storage.Location, Is.EqualTo(Path.Combine(_folder.Path, "node-1")));
    }

    [Test]
    public void OpenExisting_fails_for_a_missing_file_even_in_a_missing_folder()
    {
        Assert.That(() => _storage.OpenAsync("missing", StorageOpenMode.OpenExisting).AsTask(), Throws.TypeOf<FileNotFoundException>());
        Assert.That(() => _storage.OpenAsync("no/such/folder", StorageOpenMode.OpenExisting).AsTask(), Throws.TypeOf<FileNotFoundException>());
        Assert.That(_storage.Exists("missing"), Is.False);
    }

    [Test]
    public async Task CreateNew_fails_when_the_file_exists()
    {
        await (await _storage.OpenAsync("a", StorageOpenMode.CreateNew)).DisposeAsync();

        Assert.That(() => _storage.OpenAsync("a", StorageOpenMode.CreateNew).AsTask(), Throws.InstanceOf<IOException>().And.Not.InstanceOf<FileNotFoundException>());
    }

    [Test]
    public async Task OpenOrCreate_keeps_content_and_Truncate_empties_it()
    {
        await WriteFile("f", "content");

        await using (var kept = await _storage.OpenAsync("f", StorageOpenMode.OpenOrCreate))
        {
            Assert.That(kept.Length, Is.EqualTo(7));
        }

        await using (var cut = await _storage.OpenAsync("f", StorageOpenMode.Truncate))
        {
            Assert.That(cut.Length, Is.Zero);
        }

        await using var created = await _storage.OpenAsync("g", StorageOpenMode.Truncate);
        Assert.That(created.Length, Is.Zero);
        Assert.That(_storage.Exists("g"), Is.True);
    }

    [Test]
    public async Task List_filters_by_prefix_across_subfolders_in_ordinal_order()
    {
        foreach (var name in new[] { "log/seg-0002", "log/seg-0001", "log/archive/seg-0000", "snap/1", "logbook", "Zeta" })
        {
            await WriteFile(name, "x");
        }

        Assert.That(_storage.List(), Is.EqualTo(new[] { "Zeta", "log/archive/seg-0000", "log/seg-0001", "log/seg-0002", "logbook", "snap/1" }));
        Assert.That(_storage.List("log/"), Is.EqualTo(new[] { "log/archive/seg-0000", "log/seg-0001", "log/seg-0002" }));
        Assert.That(_storage.List("log/seg-"), Is.EqualTo(new[] { "log/seg-0001", "log/seg-0002" }));
        Assert.That(_storage.List("log"), Has.Count.EqualTo(4));
        Assert.That(_storage.List("nothing/here"), Is.Empty);
    }

    [Test]
    public async Task Rename_atomically_replaces_the_destination()
    {
        await WriteFile("state.tmp", "new");
        await WriteFile("state", "old");

        await _storage.RenameAsync("state.tmp", "state");

        Assert.That(_storage.Exists("state.tmp"), Is.False);
        Assert.That(await ReadFile("state"), Is.EqualTo("new"));
        Assert.That(_storage.List(), Is.EqualTo(new[] { "state" }));
    }

    [Test]
    public async Task Rename_moves_into_a_new_subfolder_and_fails_for_a_missing_source()
    {
        await WriteFile("a", "1");

        await _storage.RenameAsync("a", "deep/er/b");

        Assert.That(await ReadFile("deep/er/b"), Is.EqualTo("1"));
        Assert.That(() => _storage.RenameAsync("a", "c").AsTask(), Throws.TypeOf<FileNotFoundException>());
    }

    [Test]
    public async Task Rename_of_an_open_file_keeps_the_handle_working()
    {
        await using var file = await _storage.OpenAsync("open.tmp", StorageOpenMode.CreateNew);
        await file.AppendAsync(Encoding.ASCII.GetBytes("ab"));

        await _storage.RenameAsync("open.tmp", "open");
        await file.AppendAsync(Encoding.ASCII.GetBytes("cd"));
        await file.FlushAsync();

        Assert.That(await ReadFile("open"), Is.EqualTo("abcd"));
    }

    [Test]
    public async Task Delete_removes_a_file_and_ignores_a_missing_one()
    {
        await WriteFile("sub/gone", "x");

        await _storage.DeleteAsync("sub/gone");
        await _storage.DeleteAsync("sub/gone");
        await _storage.DeleteAsync("never/existed");

        Assert.That(_storage.Exists("sub/gone"), Is.False);
        Assert.That(_storage.List(), Is.Empty);
    }

    [TestCase("")]
    [TestCase("/absolute")]
    [TestCase("../escape")]
    [TestCase("a/../b")]
    [TestCase("a//b")]
    [TestCase("./a")]
    [TestCase("trailing/")]
    [TestCase("space name")]
    [TestCase("back\\slash")]
    [TestCase("colon:")]
    public void Invalid_names_are_rejected_by_every_method(string name)
    {
        Assert.That(() => _storage.OpenAsync(name, StorageOpenMode.OpenOrCreate).AsTask(), Throws.InstanceOf<ArgumentException>());
        Assert.That(() => _storage.Exists(name), Throws.InstanceOf<ArgumentException>());
        Assert.That(() => _storage.DeleteAsync(name).AsTask(), Throws.InstanceOf<ArgumentException>());
        Assert.That(() => _storage.RenameAsync(name, "ok").AsTask(), Throws.InstanceOf<ArgumentException>());
        Assert.That(() => _storage.RenameAsync("ok", name).AsTask(), Throws.InstanceOf<ArgumentException>());
        Assert.That(Directory.EnumerateFileSystemEntries(_folder.Path, "*", SearchOption.AllDirectories), Is.EqualTo(new[] { Path.Combine(_folder.Path, "node-1") }));
    }

    [Test]
    public void A_name_longer_than_the_maximum_is_rejected()
    {
        Assert.That(() => _storage.Exists(new string('a', StorageNames.MaxNameLength + 1)), Throws.InstanceOf<ArgumentException>());
    }

    private async Task WriteFile(string name, string content)
    {
        await using var file = await _storage.OpenAsync(name, StorageOpenMode.Truncate);
        await file.AppendAsync(Encoding.ASCII.GetBytes(content));
        await file.FlushAsync();
    }

    private async Task<string> ReadFile(string name)
    {
        await using var file = await _storage.OpenAsync(name, StorageOpenMode.OpenExisting);
        var buffer = new byte[file.Length];
        await file.ReadAsync(0, buffer);
        return Encoding.ASCII.GetString(buffer);
    }
}
