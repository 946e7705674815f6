using static Chubby.Tests.ChubbySimCell;

namespace Chubby.Tests;

/// <summary>Bad input gets clear errors: malformed paths, oversize files, unknown handles and sessions, calls after expiry.</summary>
public sealed class BadInputTests
{
    private static readonly string[] MalformedPaths =
    [
        "", "ls/local/a", "/ls/other/a", "/ls/local//a", "/ls/local/a/", "/ls/local/../x", "/ls/local/a b", "/ls/local/./a", "/etc/passwd",
    ];

    [Test]
    public void MalformedPaths_AreRefusedByTheClientAndTheMaster()
    {
        var cell = new ChubbySimCell(41);
        var master = cell.WaitForMaster();
        var client = cell.AddClient().Client;
        var (_, bus) = cell.AddRawBus();
        var session = cell.Run(() => bus.RequestAsync<ChubbyResponse>(master.Id, new ChubbyRequest { Operation = ChubbyOperation.CreateSession })).SessionId;
        foreach (var path in MalformedPaths)
        {
            var local = Assert.Throws<ChubbyException>(() => ChubbyPath.Validate(path, "local"));
            Assert.That(local!.Code, Is.EqualTo(ChubbyErrorCode.InvalidPath));
            Assert.That(local.Message, Does.Contain("is not a path of cell 'local'"));
            cell.Run(() => Expect.ErrorAsync(ChubbyErrorCode.InvalidPath, () => client.OpenAsync(path, OpenFlags.Create)));

            // A client that skips its own check meets the master's.
            var answer = cell.Run(() => bus.RequestAsync<ChubbyResponse>(master.Id, new ChubbyRequest
            {
                Operation = ChubbyOperation.Open, SessionId = session, Sequence = 1, LowestUnacknowledged = 1, Path = path, Flags = OpenFlags.Create,
            }));
            Assert.That(answer.Status, Is.EqualTo(ChubbyErrorCode.InvalidPath), path);
        }

        Assert.That(cell.RunningServers.All(s => s.Raft.Status.Fault is null), Is.True);
    }

    [Test]
    public void OversizeFiles_AreRefusedWithAClearError()
    {
        var cell = new ChubbySimCell(42);
        cell.WaitForMaster();
        var client = cell.AddClient().Client;
        cell.Run(async () =>
        {
            var file = await client.OpenAsync(Path("big"), OpenFlags.Create);
            var max = ChubbyServerOptions.DefaultMaxFileBytes;
            await file.SetContentsAsync(new byte[max]);
            var error = await Expect.ErrorAsync(ChubbyErrorCode.FileTooLarge, () => file.SetContentsAsync(new byte[max + 1]));
            Assert.That(error.Message, Does.Contain("maximum file size of 262144 bytes"));
            await Expect.ErrorAsync(ChubbyErrorCode.FileTooLarge, () => client.OpenAsync(Path("big2"), OpenFlags.Create, contents: new byte[max + 1]));
            Assert.That((await file.GetStatAsync()).Length, Is.EqualTo(max));
        });
    }

    [Test]
    public void UnknownHandlesAndSessions_AreRefused()
    {
        var cell = new ChubbySimCell(43);
        var master = cell.WaitForMaster();
        var client = cell.AddClient().Client;
        var (_, bus) = cell.AddRawBus();
        cell.Run(async () =>
        {
            var closed = await client.OpenAsync(Path("f"), OpenFlags.Create);
            await closed.DisposeAsync();
            await Expect.ThrowsAsync<ObjectDisposedException>(() => closed.GetStatAsync());

            var unknownSession = await bus.RequestAsync<ChubbyResponse>(master.Id, new ChubbyRequest { Operation = ChubbyOperation.GetStat, SessionId = 999_999, Handle = new HandleDescriptor { Path = Path("f"), InstanceNumber = 2 } });
            Assert.That(unknownSession.Status, Is.EqualTo(ChubbyErrorCode.SessionExpired));

            var session = (await bus.RequestAsync<ChubbyResponse>(master.Id, new ChubbyRequest { Operation = ChubbyOperation.CreateSession })).SessionId;
            var forged = await bus.RequestAsync<ChubbyResponse>(master.Id, new ChubbyRequest { Operation = ChubbyOperation.GetStat, SessionId = session, Handle = new HandleDescriptor { Path = Path("f"), InstanceNumber = 12345 } });
            Assert.That(forged.Status, Is.EqualTo(ChubbyErrorCode.HandleInvalid));
            Assert.That(forged.Message, Does.Contain("handle is invalid"));
            var noHandle = await bus.RequestAsync<ChubbyResponse>(master.Id, new ChubbyRequest { Operation = ChubbyOperation.SetContents, SessionId = session, Sequence = 1 });
            Assert.That(noHandle.Status, Is.EqualTo(ChubbyErrorCode.InvalidArgument));
            var badMode = await bus.RequestAsync<ChubbyResponse>(master.Id, new ChubbyRequest { Operation = ChubbyOperation.Acquire, SessionId = session, Sequence = 2, LockMode = (LockMode)9, Handle = new HandleDescriptor { Path = Path("f"), InstanceNumber = closed.InstanceNumber } });
            Assert.That(badMode.Status, Is.EqualTo(ChubbyErrorCode.InvalidArgument));
        });
    }

    [Test]
    public void Calls_AfterTheSessionIsClosed_FailWithSessionExpired()
    {
        var cell = new ChubbySimCell(44);
        cell.WaitForMaster();
        var client = cell.AddClient().Client;
        var other = cell.AddClient().Client;
        cell.Run(async () =>
        {
            var file = await client.OpenAsync(Path("f"), OpenFlags.Create);
            await file.AcquireAsync();
            await client.CloseSessionAsync();
            Assert.That(client.State, Is.EqualTo(ChubbySessionState.Expired));
            var expired = await Expect.ThrowsAsync<ChubbySessionExpiredException>(() => file.SetContentsAsync(Bytes("x")));
            Assert.That(expired.Message, Does.Contain("connect a new client"));
            await Expect.ThrowsAsync<ChubbySessionExpiredException>(() => client.OpenAsync(Path("g"), OpenFlags.Create));

            // Closing releases locks without lock-delay.
            Assert.That(await (await other.OpenAsync(Path("f"))).TryAcquireAsync(), Is.Not.Null);
        });
    }

    [Test]
    public void Options_AreValidated_WithTheSettingNamed()
    {
        var server = Assert.Throws<ArgumentOutOfRangeException>(() => new ChubbyServerOptions { KeepAliveReplyMargin = TimeSpan.FromSeconds(20) }.Validate());
        Assert.That(server!.Message, Does.Contain("KeepAliveReplyMargin"));
        var cell = Assert.Throws<ArgumentOutOfRangeException>(() => new ChubbyServerOptions { CellName = "a/b" }.Validate());
        Assert.That(cell!.Message, Does.Contain("CellName"));
        var client = Assert.Throws<ArgumentOutOfRangeException>(() => new ChubbyClientOptions { RequestTimeout = TimeSpan.Zero }.Validate());
        Assert.That(client!.Message, Does.Contain("RequestTimeout"));
        Assert.Throws<FormatException>(() => Sequencer.Parse("not a sequencer"));
    }
}
