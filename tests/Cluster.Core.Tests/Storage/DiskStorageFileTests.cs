using System.Text;
using Cluster.Core.Tests.Infrastructure;

namespace Cluster.Core.Tests.Storage;

public sealed class DiskStorageFileTests : DiskStorageFixture
{
    [Test]
    public async Task Positional_writes_read_back_and_extend_the_length()
    {
        await using var file = await Storage.OpenAsync("data.bin", StorageOpenMode.CreateNew);
        await file.WriteAsync(0, Bytes("hello world"));
        await file.WriteAsync(6, Bytes("there"));

        Assert.That(file.Length, Is.EqualTo(11));
        Assert.That(await ReadAll(file), Is.EqualTo("hello there"));
        Assert.That(file.Name, Is.EqualTo("data.bin"));
    }

    [TestCase(StorageAccessPattern.Unspecified)]
    [TestCase(StorageAccessPattern.Random)]
    [TestCase(StorageAccessPattern.Sequential)]
    public async Task An_access_hint_changes_nothing_that_reads_return(StorageAccessPattern access)
    {
        await using (var file = await Storage.OpenAsync("hinted.bin", StorageOpenMode.CreateNew, access))
        {
            await file.WriteAsync(0, Bytes("scattered reads"));
            await file.FlushAsync();
        }

        await using var reopened = await Storage.OpenAsync("hinted.bin", StorageOpenMode.OpenExisting, access);
        var buffer = new byte[5];
        Assert.That(await reopened.ReadAsync(10, buffer), Is.EqualTo(5));
        Assert.That(buffer, Is.EqualTo(Bytes("reads")));
    }

    [Test]
    public void An_unknown_access_hint_is_refused_before_any_file_is_made()
    {
        Assert.That(
            () => Storage.OpenAsync("never.bin", StorageOpenMode.CreateNew, (StorageAccessPattern)7).AsTask(),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("access"));
        Assert.That(Storage.Exists("never.bin"), Is.False);
    }

    [Test]
    public async Task A_write_past_the_end_leaves_a_gap_of_zeros()
    {
        await using var file = await Storage.OpenAsync("gap.bin", StorageOpenMode.CreateNew);
        await file.WriteAsync(4, new byte[] { 9 });

        var buffer = new byte[5];
        Assert.That(await file.ReadAsync(0, buffer), Is.EqualTo(5));
        Assert.That(buffer, Is.EqualTo(new byte[] { 0, 0, 0, 0, 9 }));
    }

    [Test]
    public async Task Append_returns_the_offset_where_the_data_starts()
    {
        await using var file = await Storage.OpenAsync("log", StorageOpenMode.CreateNew);

        var first = await file.AppendAsync(Bytes("abc"));
        var second = await file.AppendAsync(Bytes("defg"));

        Assert.That(first, Is.EqualTo(0));
        Assert.That(second, Is.EqualTo(3));
        Assert.That(file.Length, Is.EqualTo(7));
        Assert.That(await ReadAll(file), Is.EqualTo("abcdefg"));
    }

    [Test]
    public async Task Reads_at_or_past_the_end_return_zero_and_reads_across_it_return_what_is_there()
    {
        await using var file = await Storage.OpenAsync("short", StorageOpenMode.CreateNew);
        await file.AppendAsync(Bytes("12345"));
        var buffer = new byte[10];

        Assert.That(await file.ReadAsync(5, buffer), Is.Zero);
        Assert.That(await file.ReadAsync(100, buffer), Is.Zero);
        Assert.That(await file.ReadAsync(3, buffer), Is.EqualTo(2));
        Assert.That(buffer[..2], Is.EqualTo(Bytes("45")));
        Assert.That(() => file.ReadAsync(-1, buffer).AsTask(), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public async Task SetLength_cuts_and_extends_with_zeros()
    {
        await using var file = await Storage.OpenAsync("resize", StorageOpenMode.CreateNew);
        await file.AppendAsync(Bytes("abcdef"));

        await file.SetLengthAsync(2);
        Assert.That(file.Length, Is.EqualTo(2));
        Assert.That(await ReadAll(file), Is.EqualTo("ab"));

        await file.SetLengthAsync(4);
        Assert.That(file.Length, Is.EqualTo(4));
        var buffer = new byte[4];
        await file.ReadAsync(0, buffer);
        Assert.That(buffer, Is.EqualTo(new byte[] { (byte)'a', (byte)'b', 0, 0 }));
        Assert.That(await file.AppendAsync(Bytes("z")), Is.EqualTo(4));
    }

    [Test]
    public async Task Data_persists_after_dispose_and_reopen()
    {
        await using (var file = await Storage.OpenAsync("keep/me.dat", StorageOpenMode.CreateNew))
        {
            await file.AppendAsync(Bytes("durable"));
            await file.FlushAsync();
        }

        await Storage.SyncDirectoryAsync();
        var reopened = new DiskFileStorage(FolderPath);
        await using var again = await reopened.OpenAsync("keep/me.dat", StorageOpenMode.OpenExisting);

        Assert.That(again.Length, Is.EqualTo(7));
        Assert.That(await ReadAll(again), Is.EqualTo("durable"));
        Assert.That(await again.AppendAsync(Bytes("!")), Is.EqualTo(7));
    }

    [Test]
    public async Task A_large_read_is_filled_completely()
    {
        var data = new byte[3 * 1024 * 1024];
        new RandomSource(3).NextBytes(data);
        await using var file = await Storage.OpenAsync("big", StorageOpenMode.CreateNew);
        await file.WriteAsync(0, data);

        var back = new byte[data.Length];
        Assert.That(await file.ReadAsync(0, back), Is.EqualTo(data.Length));
        Assert.That(back.AsSpan().SequenceEqual(data), Is.True);
    }

    [Test]
    public async Task A_disposed_file_refuses_further_use()
    {
        var file = await Storage.OpenAsync("closed", StorageOpenMode.CreateNew);
        await file.DisposeAsync();
        await file.DisposeAsync();

        Assert.That(() => file.AppendAsync(Bytes("x")).AsTask(), Throws.TypeOf<ObjectDisposedException>());
        Assert.That(() => file.FlushAsync().AsTask(), Throws.TypeOf<ObjectDisposedException>());
    }

    private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    private static async Task<string> ReadAll(IStorageFile file)
    {
        var buffer = new byte[file.Length];
        var read = await file.ReadAsync(0, buffer);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }
}
