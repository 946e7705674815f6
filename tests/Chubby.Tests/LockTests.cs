using static Chubby.Tests.ChubbySimCell;

namespace Chubby.Tests;

/// <summary>Advisory reader/writer locks, lock-delay, sequencers checked downstream, and the leader-election helper (Chubby §2.4).</summary>
public sealed class LockTests
{
    [Test]
    public void ReaderWriterLocks_ExcludeAsThePaperSays()
    {
        var cell = new ChubbySimCell(21);
        cell.WaitForMaster();
        var a = cell.AddClient().Client;
        var b = cell.AddClient().Client;
        var c = cell.AddClient().Client;
        cell.Run(async () =>
        {
            var ha = await a.OpenAsync(Path("rw"), OpenFlags.Create);
            var hb = await b.OpenAsync(Path("rw"));
            var hc = await c.OpenAsync(Path("rw"));
            var shared = await ha.TryAcquireAsync(LockMode.Shared);
            Assert.That(shared, Is.Not.Null);
            Assert.That(await hb.TryAcquireAsync(LockMode.Shared), Is.Not.Null, "readers share");
            Assert.That(await hc.TryAcquireAsync(LockMode.Exclusive), Is.Null, "a writer waits for readers");
            await Expect.ErrorAsync(ChubbyErrorCode.LockAlreadyHeld, () => ha.TryAcquireAsync(LockMode.Shared));
            var writer = hc.AcquireAsync(LockMode.Exclusive);
            await ha.ReleaseAsync();
            Assert.That(writer.IsCompleted, Is.False);
            await hb.ReleaseAsync();
            var exclusive = await writer;
            Assert.That(exclusive.LockGeneration, Is.GreaterThan(shared!.LockGeneration), "the generation grows when the lock goes from free to held");
            Assert.That(await ha.TryAcquireAsync(LockMode.Shared), Is.Null, "readers wait for the writer");
            await Expect.ErrorAsync(ChubbyErrorCode.LockNotHeld, () => ha.ReleaseAsync());
            await hc.ReleaseAsync();
            Assert.That(await ha.TryAcquireAsync(LockMode.Exclusive), Is.Not.Null, "a normal release has no lock-delay");
        });
    }

    [Test]
    public void LockDelay_KeepsTheLockFree_AfterItsHolderVanishes()
    {
        var cell = new ChubbySimCell(22);
        cell.WaitForMaster();
        var holder = cell.AddClient();
        var waiter = cell.AddClient().Client;
        var lockDelay = TimeSpan.FromSeconds(2);
        cell.Run(async () => await (await holder.Client.OpenAsync(Path("job"), OpenFlags.Create)).AcquireAsync(lockDelay: lockDelay));
        var session = holder.Client.SessionId;
        holder.Simulated.Crash();

        Assert.That(cell.Simulator.RunUntil(() => cell.SessionGone(session), TimeSpan.FromSeconds(10)), Is.True);
        var freedAt = cell.Simulator.Now;
        var handle = cell.Run(() => waiter.OpenAsync(Path("job")));
        Assert.That(cell.Run(() => handle.TryAcquireAsync()), Is.Null, "the lock is in lock-delay");
        cell.Run(() => handle.AcquireAsync());
        var acquiredAt = cell.Simulator.Now;
        TestContext.Out.WriteLine($"lock free {(acquiredAt - freedAt).TotalSeconds:F2} s after the holder's session ended");
        Assert.That(acquiredAt - freedAt, Is.GreaterThanOrEqualTo(lockDelay - TimeSpan.FromMilliseconds(200)));
        Assert.That(acquiredAt - freedAt, Is.LessThan(lockDelay + TimeSpan.FromSeconds(1)));
    }

    [Test]
    public void StaleSequencer_IsRejectedDownstream()
    {
        var cell = new ChubbySimCell(23);
        cell.WaitForMaster();
        var old = cell.AddClient();
        var next = cell.AddClient().Client;
        var checker = cell.AddClient().Client;
        var oldSequencer = cell.Run(async () => await (await old.Client.OpenAsync(Path("primary"), OpenFlags.Create)).AcquireAsync(lockDelay: TimeSpan.FromMilliseconds(500)));

        // A file server that only ever saw the old holder accepts it (it cannot know better without asking the cell).
        var downstream = new SequencerValidator();
        Assert.That(cell.Run(() => downstream.IsValidAsync(oldSequencer)), Is.True);

        // The old holder is cut off; its session expires and a new holder takes the lock.
        cell.Simulator.Network.Isolate(old.Id);
        var handle = cell.Run(() => next.OpenAsync(Path("primary")));
        var newSequencer = cell.Run(() => handle.AcquireAsync());
        Assert.That(newSequencer.LockGeneration, Is.GreaterThan(oldSequencer.LockGeneration));

        cell.Run(async () =>
        {
            await downstream.EnsureValidAsync(newSequencer);
            var stale = await Expect.ThrowsAsync<StaleSequencerException>(() => downstream.EnsureValidAsync(oldSequencer));
            Assert.That(stale.Message, Does.Contain("already been seen"));

            // A server that never saw the new holder asks the cell (CheckSequencer).
            var asking = new SequencerValidator((s, ct) => checker.CheckSequencerAsync(s, ct));
            Assert.That(await asking.IsValidAsync(oldSequencer), Is.False);
            Assert.That(await asking.IsValidAsync(newSequencer), Is.True);

            // A sequencer set on a handle makes every call on it fail once the lock has changed hands (SetSequencer).
            var guarded = await checker.OpenAsync(Path("data"), OpenFlags.Create);
            guarded.SetSequencer(oldSequencer);
            await Expect.ErrorAsync(ChubbyErrorCode.StaleSequencer, () => guarded.SetContentsAsync(Bytes("from a deposed primary")));
            guarded.SetSequencer(newSequencer);
            await guarded.SetContentsAsync(Bytes("from the primary"));
        });
        Assert.That(Sequencer.Parse(newSequencer.ToString()), Is.EqualTo(newSequencer));
    }

    [Test]
    public void LeaderElection_FailsOverToTheNextCandidate()
    {
        var cell = new ChubbySimCell(24);
        cell.WaitForMaster();
        var first = cell.AddClient();
        var second = cell.AddClient();
        var observer = cell.AddClient().Client;
        var path = Path("gfs-master");
        var elected = cell.Run(() => ChubbyLeaderElection.CampaignAsync(first.Client, path, Bytes("first"), TimeSpan.FromSeconds(1)));
        var campaign = cell.Start(() => ChubbyLeaderElection.CampaignAsync(second.Client, path, Bytes("second"), TimeSpan.FromSeconds(1)));
        cell.Simulator.RunFor(TimeSpan.FromSeconds(2));
        Assert.That(campaign.IsCompleted, Is.False, "one leader at a time");
        Assert.That(elected.IsLeader, Is.True);
        Assert.That(Text(cell.Run(() => ChubbyLeaderElection.GetLeaderAsync(observer, path))!.Value), Is.EqualTo("first"));

        first.Simulated.Crash();
        Assert.That(cell.Simulator.RunUntil(() => campaign.IsCompleted, TimeSpan.FromSeconds(15)), Is.True, "the second candidate took over");
        var successor = campaign.Result;
        Assert.That(successor.IsLeader, Is.True);
        Assert.That(successor.Sequencer.LockGeneration, Is.GreaterThan(elected.Sequencer.LockGeneration));
        Assert.That(Text(cell.Run(() => ChubbyLeaderElection.GetLeaderAsync(observer, path))!.Value), Is.EqualTo("second"));
        cell.Run(() => successor.ResignAsync());
        Assert.That(successor.IsLeader, Is.False);
    }

    [Test]
    public void Holder_IsToldAboutAConflictingLockRequest()
    {
        var cell = new ChubbySimCell(25);
        cell.WaitForMaster();
        var holder = cell.AddClient();
        var contender = cell.AddClient().Client;
        cell.Run(async () =>
        {
            var mine = await holder.Client.OpenAsync(Path("busy"), OpenFlags.Create, EventMask.ConflictingLock);
            await mine.AcquireAsync();
            var theirs = await contender.OpenAsync(Path("busy"));
            using var stop = new CancellationTokenSource();
            var waiting = theirs.AcquireAsync(cancellationToken: stop.Token);
            await Task.Delay(TimeSpan.FromSeconds(1), cell.Simulator.TimeProvider);
            Assert.That(holder.Saw(ChubbyEventKind.ConflictingLockRequest, Path("busy")), Is.True);
            await mine.ReleaseAsync();
            await waiting;
        });
    }
}
