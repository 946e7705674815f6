using Cluster.Core;
using Raft.Core.Tests.Infrastructure;
using static Raft.Core.Tests.Infrastructure.Msg;

namespace Raft.Core.Tests.Storage;

/// <summary>
/// The <see cref="ILogStore"/> contract, run against every implementation. The durable store additionally must read back the same
/// contents after a clean close and reopen at the end of every case.
/// </summary>
[TestFixture(Memory)]
[TestFixture(Segmented)]
public sealed class LogStoreConformanceTests(string kind)
{
    private const string Memory = "memory";
    private const string Segmented = "segmented";

    // Small segments, so the cases also cross segment boundaries.
    private static readonly SegmentedLogStoreOptions SmallSegments = new() { MaxSegmentBytes = 1024 };

    private static readonly ConfigurationState Voters = ConfigurationState.Create([N(1), N(2), N(3)]);

    [Test]
    public void Appended_entries_read_back_with_their_terms_kinds_and_data() => Run(async log =>
    {
        await log.AppendAsync([Entry(1, 1, "one"), Entry(2, 1, "two"), new LogEntry { Index = 3, Term = 2, Kind = EntryKind.NoOp }], null, sync: true);
        var entries = log.Entries(1, 4, long.MaxValue);
        Assert.Multiple(() =>
        {
            Assert.That(log.FirstIndex, Is.EqualTo(1));
            Assert.That(log.LastIndex, Is.EqualTo(3));
            Assert.That(log.Term(0), Is.Zero, "the term before the first entry");
            Assert.That(log.Term(3), Is.EqualTo(2));
            Assert.That(entries.Select(e => e.Index), Is.EqualTo(new ulong[] { 1, 2, 3 }));
            Assert.That(System.Text.Encoding.UTF8.GetString(entries[1].Data.Span), Is.EqualTo("two"));
            Assert.That(entries[2].Kind, Is.EqualTo(EntryKind.NoOp));
            Assert.That(log.Snapshot.Index, Is.Zero);
        });
    });

    [Test]
    public void Appending_over_existing_entries_replaces_the_suffix() => Run(async log =>
    {
        await AppendRangeAsync(log, 1, 5, term: 1);
        await log.AppendAsync([Entry(3, 2, "new"), Entry(4, 2, "new")], null, sync: false);
        Assert.Multiple(() =>
        {
            Assert.That(log.LastIndex, Is.EqualTo(4));
            Assert.That(log.Term(2), Is.EqualTo(1));
            Assert.That(log.Term(3), Is.EqualTo(2));
            Assert.That(System.Text.Encoding.UTF8.GetString(log.Entries(4, 5, long.MaxValue)[0].Data.Span), Is.EqualTo("new"));
        });

        await log.AppendAsync([Entry(2, 3)], null, sync: true);
        Assert.That(log.LastIndex, Is.EqualTo(2), "a shorter overwrite drops everything after it");
        Assert.That(log.Term(2), Is.EqualTo(3));
    });

    [Test]
    public void An_append_that_would_leave_a_gap_is_refused_and_changes_nothing() => Run(async log =>
    {
        await AppendRangeAsync(log, 1, 3, term: 1);
        var error = await Catch.ExceptionAsync(() => log.AppendAsync([Entry(5, 1)], new HardState(9, NodeId.None, 0), sync: true));
        Assert.Multiple(() =>
        {
            Assert.That(error, Is.InstanceOf<ArgumentException>());
            Assert.That(log.LastIndex, Is.EqualTo(3));
            Assert.That(log.InitialState.HardState.Term, Is.Not.EqualTo(9));
        });
    });

    [Test]
    public void Entries_are_limited_by_bytes_but_at_least_one_is_returned() => Run(async log =>
    {
        // Each entry is 76 bytes of data plus 24 of overhead: 100 bytes.
        await log.AppendAsync([.. Enumerable.Range(1, 5).Select(i => Entry((ulong)i, 1, new string('x', 76)))], null, sync: true);
        Assert.Multiple(() =>
        {
            Assert.That(log.Entries(1, 6, 250), Has.Count.EqualTo(2));
            Assert.That(log.Entries(1, 6, 300), Has.Count.EqualTo(3), "exactly at the limit still fits");
            Assert.That(log.Entries(1, 6, 1), Has.Count.EqualTo(1));
            Assert.That(log.Entries(2, 4, long.MaxValue).Select(e => e.Index), Is.EqualTo(new ulong[] { 2, 3 }));
            Assert.That(log.Entries(3, 3, long.MaxValue), Is.Empty);
        });
    });

    [Test]
    public void Reads_past_the_last_index_are_refused() => Run(async log =>
    {
        await AppendRangeAsync(log, 1, 3, term: 1);
        Assert.Multiple(() =>
        {
            Assert.That(() => log.Term(4), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => log.Entries(1, 5, long.MaxValue), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(log.Entries(1, 4, long.MaxValue), Has.Count.EqualTo(3));
        });
    });

    [Test]
    public void Compaction_keeps_the_term_of_the_last_compacted_entry_and_refuses_older_reads() => Run(async log =>
    {
        await AppendRangeAsync(log, 1, 3, term: 1);
        await AppendRangeAsync(log, 4, 6, term: 2);
        await log.CompactAsync(new SnapshotMetadata { Index = 4, Term = 2, Configuration = Voters });
        Assert.Multiple(() =>
        {
            Assert.That(log.FirstIndex, Is.EqualTo(5));
            Assert.That(log.LastIndex, Is.EqualTo(6));
            Assert.That(log.Term(4), Is.EqualTo(2));
            Assert.That(log.Snapshot.Metadata, Is.EqualTo(new SnapshotMetadata { Index = 4, Term = 2, Configuration = Voters }));
            Assert.That(log.Snapshot.Data.IsEmpty, Is.True, "the store keeps metadata only");
            Assert.That(log.InitialState.Configuration, Is.EqualTo(Voters));
            Assert.That(() => log.Term(3), Throws.TypeOf<LogCompactedException>());
            Assert.That(() => log.Entries(4, 6, long.MaxValue), Throws.TypeOf<LogCompactedException>());
            Assert.That(log.Entries(5, 7, long.MaxValue).Select(e => e.Index), Is.EqualTo(new ulong[] { 5, 6 }));
        });
    });

    [Test]
    public void Compaction_past_the_last_index_is_refused() => Run(async log =>
    {
        await AppendRangeAsync(log, 1, 3, term: 1);
        var error = await Catch.ExceptionAsync(() => log.CompactAsync(new SnapshotMetadata { Index = 4, Term = 1 }));
        Assert.That(error, Is.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(log.FirstIndex, Is.EqualTo(1));
    });

    [Test]
    public void Compaction_at_or_before_the_snapshot_changes_nothing() => Run(async log =>
    {
        await AppendRangeAsync(log, 1, 6, term: 1);
        await log.CompactAsync(new SnapshotMetadata { Index = 4, Term = 1 });
        await log.CompactAsync(new SnapshotMetadata { Index = 4, Term = 1 });
        await log.CompactAsync(new SnapshotMetadata { Index = 2, Term = 1 });
        Assert.That(log.FirstIndex, Is.EqualTo(5));
        Assert.That(log.Snapshot.Index, Is.EqualTo(4));
    });

    [Test]
    public void Compacting_everything_leaves_an_empty_log_that_continues_after_the_snapshot() => Run(async log =>
    {
        await AppendRangeAsync(log, 1, 4, term: 1);
        await log.CompactAsync(new SnapshotMetadata { Index = 4, Term = 1 });
        Assert.That(log.LastIndex, Is.EqualTo(4));
        Assert.That(log.FirstIndex, Is.EqualTo(5));
        await log.AppendAsync([Entry(5, 2)], null, sync: true);
        Assert.That(log.Term(5), Is.EqualTo(2));
    });

    [Test]
    public void Installing_a_snapshot_discards_every_entry() => Run(async log =>
    {
        await AppendRangeAsync(log, 1, 5, term: 1);
        await log.InstallSnapshotAsync(new SnapshotMetadata { Index = 3, Term = 2, Configuration = Voters });
        Assert.Multiple(() =>
        {
            Assert.That(log.FirstIndex, Is.EqualTo(4));
            Assert.That(log.LastIndex, Is.EqualTo(3), "even entries after the snapshot's index are gone");
            Assert.That(log.Term(3), Is.EqualTo(2));
            Assert.That(log.InitialState.Configuration, Is.EqualTo(Voters));
        });

        await log.InstallSnapshotAsync(new SnapshotMetadata { Index = 10, Term = 3 });
        Assert.That(log.FirstIndex, Is.EqualTo(11));
        await log.AppendAsync([Entry(11, 3)], null, sync: true);
        Assert.That(log.LastIndex, Is.EqualTo(11));
    });

    [Test]
    public void Installing_an_older_snapshot_changes_nothing() => Run(async log =>
    {
        await log.InstallSnapshotAsync(new SnapshotMetadata { Index = 10, Term = 3 });
        await log.AppendAsync([Entry(11, 3)], null, sync: true);
        await log.InstallSnapshotAsync(new SnapshotMetadata { Index = 8, Term = 3 });
        await log.InstallSnapshotAsync(new SnapshotMetadata { Index = 10, Term = 3 });
        Assert.That(log.Snapshot.Index, Is.EqualTo(10));
        Assert.That(log.LastIndex, Is.EqualTo(11));
    });

    [Test]
    public void Hard_state_is_saved_and_a_null_one_keeps_the_last() => Run(async log =>
    {
        Assert.That(log.InitialState.HardState, Is.EqualTo(HardState.Empty));
        await log.AppendAsync([], new HardState(3, N(2), 0), sync: true);
        await log.AppendAsync([Entry(1, 3)], null, sync: true);
        Assert.That(log.InitialState.HardState, Is.EqualTo(new HardState(3, N(2), 0)));
        await log.AppendAsync([Entry(2, 3)], new HardState(3, N(2), 2), sync: true);
        Assert.That(log.InitialState.HardState, Is.EqualTo(new HardState(3, N(2), 2)));
    });

    [Test]
    public void Entries_the_snapshot_covers_are_skipped_when_appended() => Run(async log =>
    {
        await log.InstallSnapshotAsync(new SnapshotMetadata { Index = 5, Term = 2 });
        await log.AppendAsync([Entry(4, 2), Entry(5, 2), Entry(6, 2), Entry(7, 2)], null, sync: true);
        Assert.That(log.FirstIndex, Is.EqualTo(6));
        Assert.That(log.LastIndex, Is.EqualTo(7));
        await log.AppendAsync([Entry(2, 1)], null, sync: true);
        Assert.That(log.LastIndex, Is.EqualTo(7), "an append the snapshot covers entirely changes nothing");
    });

    [Test]
    public void The_entry_right_after_the_snapshot_can_be_overwritten() => Run(async log =>
    {
        await AppendRangeAsync(log, 1, 6, term: 1);
        await log.CompactAsync(new SnapshotMetadata { Index = 3, Term = 1 });
        await log.AppendAsync([Entry(4, 2)], null, sync: true);
        Assert.That(log.LastIndex, Is.EqualTo(4));
        Assert.That(log.Term(4), Is.EqualTo(2));
        Assert.That(log.Term(3), Is.EqualTo(1));
    });

    private static async Task AppendRangeAsync(ILogStore log, ulong first, ulong last, ulong term)
    {
        for (var index = first; index <= last; index++)
        {
            await log.AppendAsync([Entry(index, term, $"entry {index}")], null, sync: index == last);
        }
    }

    private void Run(Func<ILogStore, Task> body)
    {
        if (kind == Memory)
        {
            body(new MemoryRaftLog()).GetAwaiter().GetResult();
            return;
        }

        var harness = new DiskHarness();
        harness.Run(async storage =>
        {
            LogContents before;
            await using (var store = await SegmentedLogStore.OpenAsync(storage, SmallSegments))
            {
                await body(store);
                before = LogContents.Of(store);
            }

            await using var reopened = await SegmentedLogStore.OpenAsync(storage, SmallSegments);
            Assert.That(LogContents.Of(reopened), Is.EqualTo(before), "a clean close and reopen reads back the same log");
        });
    }
}
