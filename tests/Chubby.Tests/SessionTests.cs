using Cluster.Core;
using static Chubby.Tests.ChubbySimCell;

namespace Chubby.Tests;

/// <summary>Sessions and leases (Chubby §2.8–2.9): fail-over, jeopardy and the grace period, expiry, and leases under leader churn.</summary>
public sealed class SessionTests
{
    [Test]
    public void SessionsAndLocks_SurviveMasterFailover()
    {
        var cell = new ChubbySimCell(11);
        var first = cell.WaitForMaster();
        var holder = cell.AddClient();
        var other = cell.AddClient().Client;
        var handle = cell.Run(async () =>
        {
            var h = await holder.Client.OpenAsync(Path("lock"), OpenFlags.Create);
            await h.AcquireAsync();
            return h;
        });
        var sequencer = handle.GetSequencer();

        cell.Crash(first.Id);
        var second = cell.WaitForMaster();
        Assert.That(second.Id, Is.Not.EqualTo(first.Id));
        Assert.That(cell.Simulator.RunUntil(() => holder.Saw(ChubbyEventKind.MasterFailedOver), TimeSpan.FromSeconds(10)), Is.True, "no fail-over event");
        Assert.That(holder.Client.State, Is.Not.EqualTo(ChubbySessionState.Expired));

        cell.Run(async () =>
        {
            // The lock is still held by the same session: others cannot take it, and the sequencer is current.
            var contender = await other.OpenAsync(Path("lock"));
            Assert.That(await contender.TryAcquireAsync(), Is.Null);
            Assert.That(await other.CheckSequencerAsync(sequencer), Is.True);

            // The old handle works with the new master (rebuilt from the client's descriptor).
            await handle.SetContentsAsync(Bytes("after fail-over"));
            await handle.ReleaseAsync();
            Assert.That(await contender.TryAcquireAsync(), Is.Not.Null);
        });
        Assert.That(holder.Client.State, Is.EqualTo(ChubbySessionState.Safe));
        Assert.That(holder.Client.SessionId, Is.Not.Zero);
        cell.CheckReplicas();
    }

    [Test]
    public void PartitionedClient_EntersJeopardy_AndIsSafeAgainWithinTheGracePeriod()
    {
        var cell = new ChubbySimCell(12);
        var master = cell.WaitForMaster();
        var client = cell.AddClient();
        var file = cell.Run(async () =>
        {
            var f = await client.Client.OpenAsync(Path("f"), OpenFlags.Create, contents: Bytes("x"));
            await f.AcquireAsync();
            await f.GetContentsAndStatAsync();
            return f;
        });
        Assert.That(client.Client.CachedNodes, Is.GreaterThan(0));

        // Answers from the cell are lost; KeepAlives still arrive, so the master keeps the session while the client cannot tell.
        foreach (var replica in cell.Members)
        {
            cell.Simulator.Network.CutOneWay(replica, client.Id);
        }

        Assert.That(cell.Simulator.RunUntil(() => client.Client.State == ChubbySessionState.Jeopardy, TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(client.Client.CachedNodes, Is.Zero, "the cache is flushed and off in jeopardy");
        var read = cell.Start(() => file.GetContentsAndStatAsync());
        cell.Simulator.RunFor(TimeSpan.FromSeconds(2));
        Assert.That(read.IsCompleted, Is.False, "calls wait while the session is in jeopardy");

        cell.Simulator.Network.Heal();
        Assert.That(cell.Simulator.RunUntil(() => read.IsCompleted, TimeSpan.FromSeconds(5)), Is.True);
        Assert.That(Text(read.Result.Contents), Is.EqualTo("x"));
        Assert.That(client.Client.State, Is.EqualTo(ChubbySessionState.Safe));
        Assert.That(client.Saw(ChubbyEventKind.Jeopardy) && client.Saw(ChubbyEventKind.Safe), Is.True);
        Assert.That(master.Database.Sessions.ContainsKey(client.Client.SessionId), Is.True);
        Assert.That(cell.Run(() => file.GetSequencer() is { } s ? client.Client.CheckSequencerAsync(s) : Task.FromResult(false)), Is.True, "the lock survived");
    }

    [Test]
    public void PartitionedClient_ExpiresAfterTheGracePeriod_AndLosesItsLocks()
    {
        var cell = new ChubbySimCell(13);
        cell.WaitForMaster();
        var client = cell.AddClient();
        var other = cell.AddClient().Client;
        var file = cell.Run(async () =>
        {
            var f = await client.Client.OpenAsync(Path("f"), OpenFlags.Create);
            await f.AcquireAsync(lockDelay: TimeSpan.FromSeconds(1));
            await client.Client.OpenAsync(Path("ephemeral"), OpenFlags.Create | OpenFlags.Ephemeral);
            return f;
        });
        var session = client.Client.SessionId;
        cell.Simulator.Network.Isolate(client.Id);

        Assert.That(cell.Simulator.RunUntil(() => client.Client.State == ChubbySessionState.Expired, TimeSpan.FromSeconds(20)), Is.True);
        Assert.That(client.Saw(ChubbyEventKind.Jeopardy) && client.Saw(ChubbyEventKind.Expired), Is.True);
        Assert.That(cell.Simulator.RunUntil(() => cell.SessionGone(session), TimeSpan.FromSeconds(5)), Is.True, "the master ended the session");
        cell.Simulator.Network.Heal();

        cell.Run(async () =>
        {
            await Expect.ThrowsAsync<ChubbySessionExpiredException>(() => file.GetStatAsync());
            await Expect.ThrowsAsync<ChubbySessionExpiredException>(() => client.Client.OpenAsync(Path("f")));
            await Expect.ErrorAsync(ChubbyErrorCode.NotFound, () => other.OpenAsync(Path("ephemeral")));
            var mine = await other.OpenAsync(Path("f"));
            Assert.That(await mine.AcquireAsync(), Is.Not.Null, "the expired session's lock is free (after its lock-delay)");
        });
    }

    [Test]
    public void ALostKeepAlive_IsSentAgain_BeforeTheLeaseEnds()
    {
        var cell = new ChubbySimCell(15);
        var master = cell.WaitForMaster();
        var client = cell.AddClient();
        cell.Simulator.RunFor(TimeSpan.FromSeconds(1));

        // The KeepAlive sent after the next renewal is lost. The client hears nothing, as when the master holds it; it must notice
        // when the answer is due, not when its lease has run out (by then the master has ended the session).
        client.Transport.DropNext(e => e.Body is KeepAliveRequest);
        cell.Simulator.RunFor(cell.ServerOptions.Lease * 3);

        Assert.That(client.Transport.Dropped, Is.EqualTo(1), "a KeepAlive was lost");
        Assert.That(client.Client.State, Is.EqualTo(ChubbySessionState.Safe));
        Assert.That(client.Saw(ChubbyEventKind.Jeopardy), Is.False, "the KeepAlive was sent again while the lease still ran");
        Assert.That(master.Database.Sessions.ContainsKey(client.Client.SessionId), Is.True);
    }

    [Test]
    public void AnIdleClient_FindsTheNewMaster_BeforeItsLeaseEnds()
    {
        var cell = new ChubbySimCell(16);
        var first = cell.WaitForMaster();
        var client = cell.AddClient();
        cell.Simulator.RunFor(TimeSpan.FromSeconds(1));

        // The client's KeepAlive waits at the master when it dies; nothing else tells the client.
        cell.Crash(first.Id);
        Assert.That(cell.Simulator.RunUntil(() => client.Saw(ChubbyEventKind.MasterFailedOver), TimeSpan.FromSeconds(10)), Is.True, "no fail-over event");
        Assert.That(client.Saw(ChubbyEventKind.Jeopardy), Is.False, "the KeepAlive left the dead master when its answer was due, before the lease ran out");
        Assert.That(client.Client.State, Is.EqualTo(ChubbySessionState.Safe));
    }

    [Test]
    public void LeaseTime_IsNotResetByLeaderChurn()
    {
        var options = DefaultServerOptions();
        var cell = new ChubbySimCell(14, server: options);
        cell.WaitForMaster();
        var client = cell.AddClient();
        var session = client.Client.SessionId;
        cell.Run(() => client.Client.OpenAsync(Path("owned"), OpenFlags.Create | OpenFlags.Ephemeral));

        // The client dies; no KeepAlive extends its lease from now on.
        client.Simulated.Crash();
        var diedAt = cell.Simulator.Now;

        // The master changes every 1.2 s: each new master takes over with the recorded promise, not a fresh lease.
        var churnUntil = diedAt + TimeSpan.FromSeconds(12);
        var changes = 0;
        var expiredAt = TimeSpan.Zero;
        while (cell.Simulator.Now < churnUntil && expiredAt == TimeSpan.Zero)
        {
            var master = cell.RunningServers.FirstOrDefault(s => s.IsMaster);
            if (master is not null)
            {
                cell.Crash(master.Id);
                changes++;
                cell.Simulator.Schedule(TimeSpan.FromSeconds(3), () => cell.Restart(master.Id));
            }

            var next = cell.Simulator.Now + TimeSpan.FromMilliseconds(1200);
            if (cell.Simulator.RunUntil(() => cell.SessionGone(session), next - cell.Simulator.Now))
            {
                expiredAt = cell.Simulator.Now;
            }
        }

        TestContext.Out.WriteLine($"{changes} master changes; session ended {(expiredAt - diedAt).TotalSeconds:F1} s after its client died");
        Assert.That(changes, Is.GreaterThanOrEqualTo(3));
        Assert.That(expiredAt, Is.Not.EqualTo(TimeSpan.Zero), "leader churn kept a dead session alive");

        // Bound: the last promise (at most one lease after the client's last KeepAlive), one fail-over extension, and the time to
        // elect a master that lives long enough to log the expiry.
        var bound = options.Lease + options.EffectiveFailoverExtension + TimeSpan.FromSeconds(3);
        Assert.That(expiredAt - diedAt, Is.LessThanOrEqualTo(bound));
        Assert.That(expiredAt - diedAt, Is.GreaterThanOrEqualTo(options.Lease - options.KeepAliveReplyMargin), "a lease was cut short");
    }
}
