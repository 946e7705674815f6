using Cluster.Core;
using static Chubby.Tests.ChubbySimCell;

namespace Chubby.Tests;

/// <summary>The namespace: files and directories, metadata, compare-and-swap, handles bound to instances, and who answers.</summary>
public sealed class CellTests
{
    [Test]
    public void Files_AreCreatedReadWrittenAndDeleted_WithTheirMetadata()
    {
        var cell = new ChubbySimCell(1);
        cell.WaitForMaster();
        var a = cell.AddClient().Client;
        cell.Run(async () =>
        {
            var dir = await a.OpenAsync(Path("dir"), OpenFlags.Create | OpenFlags.Directory);
            Assert.That(dir.OpenedStat.IsDirectory, Is.True);
            var file = await a.OpenAsync(Path("dir/config"), OpenFlags.Create, contents: Bytes("v1"));
            var read = await file.GetContentsAndStatAsync();
            Assert.Multiple(() =>
            {
                Assert.That(Text(read.Contents), Is.EqualTo("v1"));
                Assert.That(read.Stat.ContentGeneration, Is.EqualTo(1));
                Assert.That(read.Stat.Length, Is.EqualTo(2));
                Assert.That(read.Stat.Checksum, Is.EqualTo(Crc32C.Compute("v1"u8)));
                Assert.That(read.Stat.LockGeneration, Is.Zero);
                Assert.That(read.Stat.AclGeneration, Is.EqualTo(1));
                Assert.That(read.Stat.IsEphemeral, Is.False);
            });

            var written = await file.SetContentsAsync(Bytes("v2"));
            Assert.That(written.ContentGeneration, Is.EqualTo(2));

            // Compare-and-swap by content generation.
            var mismatch = await Expect.ErrorAsync(ChubbyErrorCode.GenerationMismatch, () => file.SetContentsAsync(Bytes("lost"), expectedContentGeneration: 1));
            Assert.That(mismatch.Message, Does.Contain("generation 2"));
            Assert.That((await file.SetContentsAsync(Bytes("v3"), expectedContentGeneration: 2)).ContentGeneration, Is.EqualTo(3));
            Assert.That(Text((await file.GetContentsAndStatAsync()).Contents), Is.EqualTo("v3"));

            await a.OpenAsync(Path("dir/other"), OpenFlags.Create);
            Assert.That(await dir.ReadDirAsync(), Is.EqualTo(new[] { "config", "other" }));
            await Expect.ErrorAsync(ChubbyErrorCode.AlreadyExists, () => a.OpenAsync(Path("dir/other"), OpenFlags.Create | OpenFlags.Exclusive));
            await Expect.ErrorAsync(ChubbyErrorCode.NotEmpty, () => dir.DeleteAsync());

            // Handles are bound to a node instance: a node deleted and created again is a different node.
            await file.DeleteAsync();
            await Expect.ErrorAsync(ChubbyErrorCode.NotFound, () => a.OpenAsync(Path("dir/config")));
            var again = await a.OpenAsync(Path("dir/config"), OpenFlags.Create, contents: Bytes("new"));
            Assert.That(again.InstanceNumber, Is.GreaterThan(file.InstanceNumber));
            await Expect.ErrorAsync(ChubbyErrorCode.HandleInvalid, () => file.GetContentsAndStatAsync());
            Assert.That(Text((await again.GetContentsAndStatAsync()).Contents), Is.EqualTo("new"));
        });
        cell.CheckReplicas();
    }

    [Test]
    public void NonMasters_AnswerWithTheMastersIdentity()
    {
        var cell = new ChubbySimCell(2);
        var master = cell.WaitForMaster();
        var (_, bus) = cell.AddRawBus();
        foreach (var replica in cell.Members.Where(m => m != master.Id))
        {
            var answer = cell.Run(() => bus.RequestAsync<ChubbyResponse>(replica, new ChubbyRequest { Operation = ChubbyOperation.CreateSession }));
            Assert.That(answer.Status, Is.EqualTo(ChubbyErrorCode.NotMaster));
            Assert.That(answer.MasterHint, Is.EqualTo(master.Id), $"{replica} should name the master");
            var keepAlive = cell.Run(() => bus.RequestAsync<KeepAliveResponse>(replica, new KeepAliveRequest { SessionId = 1 }));
            Assert.That(keepAlive.Status, Is.EqualTo(ChubbyErrorCode.NotMaster));
            Assert.That(keepAlive.MasterHint, Is.EqualTo(master.Id));
        }
    }

    [Test]
    public void Events_ReportChangesToSubscribedHandles()
    {
        var cell = new ChubbySimCell(3);
        cell.WaitForMaster();
        var watcher = cell.AddClient();
        var writer = cell.AddClient().Client;
        cell.Run(async () =>
        {
            await watcher.Client.OpenAsync(Root, events: EventMask.ChildAdded | EventMask.ChildRemoved | EventMask.ChildModified);
            var created = await writer.OpenAsync(Path("f"), OpenFlags.Create);
            await watcher.Client.OpenAsync(Path("f"), events: EventMask.ContentsModified | EventMask.LockAcquired);
            await created.SetContentsAsync(Bytes("x"));
            await created.AcquireAsync();
            await created.ReleaseAsync();
            await created.DeleteAsync();
        });
        cell.Simulator.RunFor(TimeSpan.FromSeconds(1));
        var f = Path("f");
        Assert.Multiple(() =>
        {
            Assert.That(watcher.Saw(ChubbyEventKind.ChildAdded, f), Is.True);
            Assert.That(watcher.Saw(ChubbyEventKind.ContentsModified, f), Is.True);
            Assert.That(watcher.Saw(ChubbyEventKind.ChildModified, f), Is.True);
            Assert.That(watcher.Saw(ChubbyEventKind.LockAcquired, f), Is.True);
            Assert.That(watcher.Saw(ChubbyEventKind.HandleInvalid, f), Is.True);
            Assert.That(watcher.Saw(ChubbyEventKind.ChildRemoved, f), Is.True);
        });
    }

    [Test]
    public void SameSeed_GivesTheSameTrace()
    {
        static ulong RunOnce()
        {
            var cell = new ChubbySimCell(77);
            cell.WaitForMaster();
            var a = cell.AddClient().Client;
            cell.Run(async () =>
            {
                var file = await a.OpenAsync(Path("f"), OpenFlags.Create);
                await file.AcquireAsync();
                await file.SetContentsAsync(Bytes("x"));
            });
            cell.Simulator.RunFor(TimeSpan.FromSeconds(5));
            return cell.Simulator.TraceHash;
        }

        var first = RunOnce();
        var second = RunOnce();
        Assert.That(second, Is.EqualTo(first));
    }
}
