using Cluster.Core;
using static Raft.Core.Tests.Infrastructure.Msg;

namespace Raft.Core.Tests;

public sealed class MemoryRaftLogTests
{
    private static MemoryRaftLog WithEntries(int count)
    {
        var log = new MemoryRaftLog();
        log.Append([.. Enumerable.Range(1, count).Select(i => Entry((ulong)i, 1, new string('x', 76)))]);
        return log;
    }

    [Test]
    public void Appending_over_existing_entries_replaces_the_suffix()
    {
        var log = WithEntries(5);
        log.Append([Entry(3, 2), Entry(4, 2)]);
        Assert.Multiple(() =>
        {
            Assert.That(log.LastIndex, Is.EqualTo(4));
            Assert.That(log.Term(3), Is.EqualTo(2));
            Assert.That(log.Term(2), Is.EqualTo(1));
        });
        Assert.That(() => log.Append([Entry(9, 2)]), Throws.ArgumentException, "a gap is refused");
    }

    [Test]
    public void Entries_are_limited_by_bytes_but_at_least_one_is_returned()
    {
        var log = WithEntries(5);
        Assert.Multiple(() =>
        {
            Assert.That(log.Entries(1, 6, 250), Has.Count.EqualTo(2), "each entry is 100 bytes");
            Assert.That(log.Entries(1, 6, 1), Has.Count.EqualTo(1));
            Assert.That(log.Entries(2, 4, long.MaxValue).Select(e => e.Index), Is.EqualTo(new ulong[] { 2, 3 }));
        });
    }

    [Test]
    public void Compaction_keeps_the_term_of_the_last_compacted_entry_and_refuses_older_reads()
    {
        var log = WithEntries(5);
        log.CreateSnapshot(4, ConfigurationState.Create([new NodeId(1)]), new byte[] { 1 });
        log.Compact(3);
        Assert.Multiple(() =>
        {
            Assert.That(log.FirstIndex, Is.EqualTo(4));
            Assert.That(log.Term(3), Is.EqualTo(1));
            Assert.That(log.Snapshot.Index, Is.EqualTo(4));
            Assert.That(log.InitialState.Configuration.Voters, Is.EqualTo(new[] { new NodeId(1) }));
            Assert.That(() => log.Term(2), Throws.TypeOf<LogCompactedException>());
            Assert.That(() => log.Entries(3, 5, long.MaxValue), Throws.TypeOf<LogCompactedException>());
            Assert.That(() => log.Compact(5), Throws.TypeOf<ArgumentOutOfRangeException>(), "only what the snapshot covers may be compacted");
        });
    }

    [Test]
    public void Applying_a_snapshot_replaces_the_log_unless_it_is_older()
    {
        var log = WithEntries(5);
        var snapshot = new Snapshot(new SnapshotMetadata { Index = 10, Term = 3 }, ReadOnlyMemory<byte>.Empty);
        Assert.Multiple(() =>
        {
            Assert.That(log.ApplySnapshot(snapshot), Is.True);
            Assert.That(log.FirstIndex, Is.EqualTo(11));
            Assert.That(log.LastIndex, Is.EqualTo(10));
            Assert.That(log.Term(10), Is.EqualTo(3));
            Assert.That(log.ApplySnapshot(snapshot with { Metadata = new SnapshotMetadata { Index = 8, Term = 3 } }), Is.False);
        });
    }

    [Test]
    public void A_bootstrapped_log_holds_one_committed_configuration_entry()
    {
        var log = MemoryRaftLog.CreateBootstrapped([new NodeId(3), new NodeId(1), new NodeId(2)]);
        var entry = log.Entries(1, 2, long.MaxValue).Single();
        Assert.Multiple(() =>
        {
            Assert.That(entry.Kind, Is.EqualTo(EntryKind.ConfigChange));
            Assert.That(ConfigChange.Decode(entry.Data).Items.Select(i => i.Node.Value), Is.EqualTo(new ulong[] { 1, 2, 3 }));
            Assert.That(log.HardState, Is.EqualTo(new HardState(1, NodeId.None, 1)));
            Assert.That(() => MemoryRaftLog.CreateBootstrapped([]), Throws.ArgumentException);
        });
    }
}
