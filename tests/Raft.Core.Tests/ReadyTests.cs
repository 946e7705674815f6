using Cluster.Core;
using Raft.Core.Tests.Infrastructure;
using static Raft.Core.Tests.Infrastructure.Msg;

namespace Raft.Core.Tests;

public sealed class ReadyTests
{
    private static readonly ulong[] Three = [1, 2, 3];

    [Test]
    public void Only_one_ready_is_outstanding_and_it_must_be_the_one_advanced()
    {
        var solo = new Solo(1, Three);
        solo.Core.Campaign();
        var ready = solo.Core.GetReady();
        Assert.Multiple(() =>
        {
            Assert.That(solo.Core.HasReady, Is.False);
            Assert.That(() => solo.Core.GetReady(), Throws.InvalidOperationException);
        });

        var other = new Solo(2, Three);
        other.Core.Campaign();
        var foreign = other.Core.GetReady();
        Assert.That(() => solo.Core.Advance(foreign), Throws.InvalidOperationException);
        solo.Core.Advance(ready);
        Assert.That(solo.Core.HasReady, Is.False);
    }

    [Test]
    public void A_vote_is_persisted_in_the_same_ready_as_the_response_and_survives_a_restart()
    {
        var storage = Solo.CreateStorage(Three);
        var solo = new Solo(1, Three, storage: storage);
        solo.Step(Make(MessageType.Vote, 2, 1, 5));
        var ready = solo.Core.GetReady();
        Assert.Multiple(() =>
        {
            Assert.That(ready.HardState, Is.EqualTo(new HardState(5, N(2), 0)));
            Assert.That(ready.MustSync, Is.True);
            Assert.That(ready.Messages.Single().Reject, Is.False);
        });
        storage.SetHardState(ready.HardState!.Value);
        solo.Core.Advance(ready);

        var restarted = new Solo(1, Three, storage: storage);
        restarted.Step(Make(MessageType.Vote, 3, 1, 5));
        Assert.Multiple(() =>
        {
            Assert.That(restarted.Core.Vote, Is.EqualTo(N(2)));
            Assert.That(restarted.ReadMessages().Single().Reject, Is.True, "Raft §5.2: one vote per term, even across restarts");
        });
    }

    [Test]
    public void Soft_state_is_reported_only_when_it_changes()
    {
        var solo = new Solo(1, [1]);
        solo.Core.Campaign();
        var first = solo.Core.GetReady();
        solo.Storage.Append(first.Entries);
        solo.Core.Advance(first);
        solo.Core.Propose(new byte[] { 1 });
        var second = solo.Core.GetReady();
        Assert.Multiple(() =>
        {
            Assert.That(first.SoftState, Is.EqualTo(new SoftState(N(1), RaftRole.Leader)));
            Assert.That(second.SoftState, Is.Null);
            Assert.That(second.Entries.Single().Index, Is.EqualTo(2));
            Assert.That(second.CommittedEntries.Single().Index, Is.EqualTo(2), "a committed entry may be in the same batch as its persistence");
        });
    }

    [Test]
    public void Advancing_past_entries_the_host_did_not_persist_fails_fast()
    {
        var solo = new Solo(1, [1]);
        solo.Core.Campaign();
        var ready = solo.Core.GetReady();
        Assert.That(() => solo.Core.Advance(ready), Throws.TypeOf<RaftInvariantException>().With.Message.Contains("commit index"));
    }

    [Test]
    public void Committed_entries_per_ready_are_limited_by_bytes()
    {
        var solo = new Solo(1, Three, new RaftOptions { MaxCommittedBytesPerReady = 250 });
        var entries = Enumerable.Range(1, 6).Select(i => Entry((ulong)i, 1, new string('x', 76))).ToArray();
        solo.Step(Make(MessageType.Append, 2, 1, 1) with { Entries = entries, Commit = 6 });
        var batches = new List<int>();
        while (solo.Core.HasReady)
        {
            var ready = solo.Core.GetReady();
            solo.Storage.Append(ready.Entries);
            batches.Add(ready.CommittedEntries.Count);
            solo.Core.Advance(ready);
        }

        Assert.Multiple(() =>
        {
            Assert.That(batches, Is.EqualTo(new[] { 2, 2, 2 }), "each entry costs 100 bytes, so two fit in 250");
            Assert.That(solo.Core.AppliedIndex, Is.EqualTo(6));
        });
    }
}
