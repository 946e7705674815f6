using static Chubby.Tests.ChubbySimCell;

namespace Chubby.Tests;

/// <summary>
/// Access control (Chubby §2.4): nodes name ACL files for reading, writing and changing ACL names; ACL files in the cell's ACL
/// directory list principals; names are inherited at creation; edits take effect at once and revoke cached copies.
/// </summary>
public sealed class AclTests
{
    private static readonly string Doc = Path("doc");

    /// <summary>read: alice, bob; write: bob, dave; change-ACL: admin.</summary>
    private static readonly AclNames DocAcl = new() { Read = "readers", Write = "writers", ChangeAcl = "admins" };

    [Test]
    public void Principals_NotListed_AreDenied_Reading_Writing_Locking_AndChangingAclNames()
    {
        var (cell, clients) = StartCell(51, "admin", "alice", "bob", "carol", "dave");
        cell.Run(async () =>
        {
            var denied = await Expect.ErrorAsync(ChubbyErrorCode.PermissionDenied, () => clients["carol"].OpenAsync(Doc));
            Assert.That(denied.Message, Does.Contain("'carol'").And.Contain(Doc).And.Contain(ChubbyPath.AclFile("local", "readers")));

            var alice = await clients["alice"].OpenAsync(Doc);
            Assert.That(Text((await alice.GetContentsAndStatAsync()).Contents), Is.EqualTo("v1"));
            await Expect.ErrorAsync(ChubbyErrorCode.PermissionDenied, () => alice.SetContentsAsync(Bytes("by alice")));
            await Expect.ErrorAsync(ChubbyErrorCode.PermissionDenied, () => alice.TryAcquireAsync(LockMode.Shared));
            await Expect.ErrorAsync(ChubbyErrorCode.PermissionDenied, () => alice.DeleteAsync());
            var aclDenied = await Expect.ErrorAsync(ChubbyErrorCode.PermissionDenied, () => alice.SetAclAsync(AclNames.Open));
            Assert.That(aclDenied.Message, Does.Contain("change the ACL names of"));

            // A writer that may not read opens a handle, writes and locks, but cannot read.
            var dave = await clients["dave"].OpenAsync(Doc);
            await dave.SetContentsAsync(Bytes("by dave"));
            Assert.That(await dave.TryAcquireAsync(), Is.Not.Null);
            await dave.ReleaseAsync();
            await Expect.ErrorAsync(ChubbyErrorCode.PermissionDenied, () => dave.GetContentsAndStatAsync());
            await Expect.ErrorAsync(ChubbyErrorCode.PermissionDenied, () => dave.GetStatAsync());

            // The change-ACL right alone allows a handle and changing the names, not reading.
            var admin = await clients["admin"].OpenAsync(Doc);
            await Expect.ErrorAsync(ChubbyErrorCode.PermissionDenied, () => admin.GetContentsAndStatAsync());
            var changed = await admin.SetAclAsync(DocAcl with { Read = "everyone" });
            Assert.That(changed.Acl.Read, Is.EqualTo("everyone"));
            var carol = await clients["carol"].OpenAsync(Doc);
            Assert.That(Text((await carol.GetContentsAndStatAsync()).Contents), Is.EqualTo("by dave"));
        });
        cell.CheckReplicas();
    }

    [Test]
    public void ANewNode_InheritsItsParentsAclNames_UnlessTheCreatorNamesItsOwn()
    {
        var (cell, clients) = StartCell(52, "admin", "alice", "bob", "carol");
        cell.Run(async () =>
        {
            var dir = await clients["admin"].OpenAsync(Path("team"), OpenFlags.Create | OpenFlags.Directory, acl: DocAcl);
            Assert.That(dir.OpenedStat.Acl, Is.EqualTo(DocAcl));
            var created = await clients["bob"].OpenAsync(Path("team/plan"), OpenFlags.Create, contents: Bytes("p"));
            Assert.That(created.OpenedStat.Acl, Is.EqualTo(DocAcl), "inherited from the directory");
            var open = await clients["bob"].OpenAsync(Path("team/notes"), OpenFlags.Create, acl: AclNames.Open);
            Assert.That(open.OpenedStat.Acl, Is.EqualTo(AclNames.Open));

            var denied = await Expect.ErrorAsync(ChubbyErrorCode.PermissionDenied, () => clients["alice"].OpenAsync(Path("team/mine"), OpenFlags.Create));
            Assert.That(denied.Message, Does.Contain("'alice'").And.Contain(Path("team")));
            await Expect.ErrorAsync(ChubbyErrorCode.PermissionDenied, () => clients["carol"].OpenAsync(Path("team/plan")));
            await (await clients["carol"].OpenAsync(Path("team/notes"))).SetContentsAsync(Bytes("anyone may"));
            await Expect.ErrorAsync(ChubbyErrorCode.PermissionDenied, async () => await (await clients["carol"].OpenAsync(Path("team"))).ReadDirAsync());
            Assert.That(await (await clients["alice"].OpenAsync(Path("team"))).ReadDirAsync(), Is.EqualTo(new[] { "notes", "plan" }));

            // Changing a directory's names later does not reach its existing children.
            await dir.SetAclAsync(AclNames.Open);
            Assert.That((await created.GetStatAsync()).Acl, Is.EqualTo(DocAcl));
        });
    }

    [Test]
    public void EditingAnAclFile_TakesEffectAtOnce_AndRevokesCachedCopies()
    {
        var (cell, clients) = StartCell(53, "admin", "alice", "bob", "carol");
        var alice = clients["alice"];
        cell.Run(async () =>
        {
            var handle = await alice.OpenAsync(Doc);
            await handle.GetContentsAndStatAsync();
            var hits = alice.CacheHits;
            var before = await handle.GetContentsAndStatAsync();
            Assert.That(alice.CacheHits, Is.EqualTo(hits + 1), "alice reads from her cache");
            await Expect.ErrorAsync(ChubbyErrorCode.PermissionDenied, () => clients["carol"].OpenAsync(Doc));

            // The admin replaces alice with carol in the readers file.
            var readers = await clients["admin"].OpenAsync(ChubbyPath.AclFile("local", "readers"));
            await readers.SetContentsAsync(Bytes("# who may read\ncarol\nbob\n"));

            hits = alice.CacheHits;
            await Expect.ErrorAsync(ChubbyErrorCode.PermissionDenied, () => handle.GetContentsAndStatAsync());
            await Expect.ErrorAsync(ChubbyErrorCode.PermissionDenied, () => alice.OpenAsync(Doc));
            Assert.That(alice.CacheHits, Is.EqualTo(hits), "the cached copy was dropped before the edit was acknowledged");
            var carol = await clients["carol"].OpenAsync(Doc);
            var read = await carol.GetContentsAndStatAsync();
            Assert.That(Text(read.Contents), Is.EqualTo("v1"));
            Assert.That(read.Stat.AclGeneration, Is.EqualTo(before.Stat.AclGeneration), "editing an ACL file does not change the names a node holds");

            // A deleted ACL file allows nobody.
            await readers.DeleteAsync();
            var gone = await Expect.ErrorAsync(ChubbyErrorCode.PermissionDenied, () => carol.GetContentsAndStatAsync());
            Assert.That(gone.Message, Does.Contain("does not exist"));
        });
    }

    [Test]
    public void ChangingAclNames_BumpsTheAclGeneration_AndRevokesCachedCopies()
    {
        var (cell, clients) = StartCell(54, "admin", "alice", "bob");
        var alice = clients["alice"];
        cell.Run(async () =>
        {
            var handle = await alice.OpenAsync(Doc);
            var first = await handle.GetContentsAndStatAsync();
            await handle.GetStatAsync();
            Assert.That(alice.CachedNodes, Is.GreaterThan(0));

            var admin = await clients["admin"].OpenAsync(Doc);
            var changed = await admin.SetAclAsync(DocAcl with { Read = "admins" });
            Assert.That(changed.AclGeneration, Is.EqualTo(first.Stat.AclGeneration + 1));
            Assert.That(changed.ContentGeneration, Is.EqualTo(first.Stat.ContentGeneration));

            var hits = alice.CacheHits;
            await Expect.ErrorAsync(ChubbyErrorCode.PermissionDenied, () => handle.GetContentsAndStatAsync());
            await Expect.ErrorAsync(ChubbyErrorCode.PermissionDenied, () => handle.GetStatAsync());
            Assert.That(alice.CacheHits, Is.EqualTo(hits));

            // Bob still writes (the write name did not change); the names are checked on every call, not only at open.
            var bob = await clients["bob"].OpenAsync(Doc);
            await bob.SetContentsAsync(Bytes("v2"));
            await admin.SetAclAsync(DocAcl with { Read = "admins", Write = "admins" });
            await Expect.ErrorAsync(ChubbyErrorCode.PermissionDenied, () => bob.SetContentsAsync(Bytes("v3")));
            await Expect.ErrorAsync(ChubbyErrorCode.InvalidArgument, () => admin.SetAclAsync(new AclNames { Read = "no/slashes" }));
        });
    }

    [Test]
    public void Principals_AreRecordedWithTheSession_AndStillCheckedAfterFailover()
    {
        var (cell, clients) = StartCell(55, "admin", "alice", "bob", "carol");
        var master = cell.RunningServers.Single(s => s.IsMaster);
        Assert.That(master.Database.Sessions[clients["carol"].SessionId].Principal, Is.EqualTo("carol"));
        cell.Crash(master.Id);
        cell.WaitForMaster();
        cell.Run(async () =>
        {
            await Expect.ErrorAsync(ChubbyErrorCode.PermissionDenied, () => clients["carol"].OpenAsync(Doc));
            Assert.That(Text((await (await clients["alice"].OpenAsync(Doc)).GetContentsAndStatAsync()).Contents), Is.EqualTo("v1"));
        });
    }

    [Test]
    public void TheAclDirectory_HoldsOnlyPermanentFiles_AndPrincipalsAreValidated()
    {
        var (cell, clients) = StartCell(56, "admin");
        cell.Run(async () =>
        {
            await Expect.ErrorAsync(ChubbyErrorCode.InvalidArgument, () => clients["admin"].OpenAsync(ChubbyPath.AclFile("local", "temp"), OpenFlags.Create | OpenFlags.Ephemeral));
            await Expect.ErrorAsync(ChubbyErrorCode.InvalidArgument, () => clients["admin"].OpenAsync(ChubbyPath.AclFile("local", "sub"), OpenFlags.Create | OpenFlags.Directory));
        });
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ChubbyClientOptions { Principal = "two words" }.Validate());
        Assert.That(error!.Message, Does.Contain("Principal"));

        // A client that skips its own check meets the master's.
        var (_, bus) = cell.AddRawBus();
        var answer = cell.Run(() => bus.RequestAsync<ChubbyResponse>(cell.RunningServers.Single(s => s.IsMaster).Id,
            new ChubbyRequest { Operation = ChubbyOperation.CreateSession, Principal = "*" }));
        Assert.That(answer.Status, Is.EqualTo(ChubbyErrorCode.InvalidArgument));
    }

    /// <summary>
    /// A cell with the ACL files readers (alice, bob), writers (bob, dave), admins (admin) and everyone (*), themselves writable
    /// only by admins, and <see cref="Doc"/> = "v1" under <see cref="DocAcl"/>; one connected client per principal.
    /// </summary>
    private static (ChubbySimCell Cell, Dictionary<string, ChubbyClient> Clients) StartCell(ulong seed, params string[] principals)
    {
        var cell = new ChubbySimCell(seed);
        cell.WaitForMaster();
        var clients = principals.ToDictionary(p => p, p => cell.AddClient(DefaultClientOptions(p)).Client);
        var admin = clients["admin"];
        cell.Run(async () =>
        {
            // The root names no ACL files, so it is open; the admin locks the ACL directory down once the admins file exists.
            var dir = await admin.OpenAsync(ChubbyPath.AclDirectory("local"), OpenFlags.Create | OpenFlags.Directory);
            var locked = new AclNames { Write = "admins", ChangeAcl = "admins" };
            await admin.OpenAsync(ChubbyPath.AclFile("local", "admins"), OpenFlags.Create, contents: Bytes("admin\n"), acl: locked);
            await dir.SetAclAsync(locked);
            await admin.OpenAsync(ChubbyPath.AclFile("local", "readers"), OpenFlags.Create, contents: Bytes("alice\nbob\n"));
            await admin.OpenAsync(ChubbyPath.AclFile("local", "writers"), OpenFlags.Create, contents: Bytes("bob\n  dave  \n"));
            await admin.OpenAsync(ChubbyPath.AclFile("local", "everyone"), OpenFlags.Create, contents: Bytes("*\n"));
            await admin.OpenAsync(Doc, OpenFlags.Create, contents: Bytes("v1"), acl: DocAcl);
        });
        return (cell, clients);
    }
}
