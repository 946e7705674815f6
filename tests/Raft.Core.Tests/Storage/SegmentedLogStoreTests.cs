using Cluster.Core;
using Cluster.Simulation;
using Raft.Core.Tests.Infrastructure;
using static Raft.Core.Tests.Infrastructure.Msg;

namespace Raft.Core.Tests.Storage;

public sealed class SegmentedLogStoreTests
{
    private static readonly ConfigurationState Voters = ConfigurationState.Create([N(1), N(2), N(3)]);

    [Test]
    public void A_new_store_is_empty_and_keeps_its_files_under_the_prefix()
    {
        var harness = new DiskHarness();
        harness.Run(async storage =>
        {
            await using var store = await SegmentedLogStore.OpenAsync(storage, new SegmentedLogStoreOptions { Prefix = "node-1/log/", MaxSegmentBytes = 4096 });
            Assert.Multiple(() =>
            {
                Assert.That(store.IsEmpty, Is.True);
                Assert.That(store.FirstIndex, Is.EqualTo(1));
                Assert.That(store.LastIndex, Is.Zero);
                Assert.That(store.Snapshot, Is.SameAs(Snapshot.Empty));
                Assert.That(storage.List(), Is.EqualTo(new[] { "node-1/log/log-00000000000000000001-00000000000000000001.seg" }));
            });
        });
    }

    [Test]
    public void Entries_hard_state_and_snapshot_survive_a_clean_close_and_reopen()
    {
        var harness = new DiskHarness();
        harness.Run(async storage =>
        {
            var options = new SegmentedLogStoreOptions { MaxSegmentBytes = 2048 };
            await using (var store = await SegmentedLogStore.OpenAsync(storage, options))
            {
                await store.AppendAsync([.. Enumerable.Range(1, 30).Select(i => Entry((ulong)i, 1, $"command {i}"))], new HardState(1, N(1), 10), sync: true);
                await store.AppendAsync([Entry(25, 2, "overwritten"), Entry(26, 2)], new HardState(2, N(2), 20), sync: false);
                await store.CompactAsync(new SnapshotMetadata { Index = 12, Term = 1, Configuration = Voters });
                await store.AppendAsync([Entry(27, 2)], null, sync: false);
            }

            await using var reopened = await SegmentedLogStore.OpenAsync(storage, options);
            Assert.Multiple(() =>
            {
                Assert.That(reopened.FirstIndex, Is.EqualTo(13));
                Assert.That(reopened.LastIndex, Is.EqualTo(27));
                Assert.That(reopened.Term(12), Is.EqualTo(1));
                Assert.That(reopened.Term(24), Is.EqualTo(1));
                Assert.That(reopened.Term(25), Is.EqualTo(2));
                Assert.That(System.Text.Encoding.UTF8.GetString(reopened.Entries(25, 26, long.MaxValue)[0].Data.Span), Is.EqualTo("overwritten"));
                Assert.That(reopened.InitialState, Is.EqualTo(new RaftInitialState(new HardState(2, N(2), 20), Voters)));
                Assert.That(reopened.Snapshot.Metadata, Is.EqualTo(new SnapshotMetadata { Index = 12, Term = 1, Configuration = Voters }));
                Assert.That(reopened.DiscardedTailBytes, Is.Zero);
            });
        });
    }

    [Test]
    public void Segments_roll_over_at_the_size_limit_and_compaction_deletes_those_it_covers()
    {
        var harness = new DiskHarness();
        harness.Run(async storage =>
        {
            var options = new SegmentedLogStoreOptions { MaxSegmentBytes = 1024, PreallocateBytes = 0 };
            await using var store = await SegmentedLogStore.OpenAsync(storage, options);
            for (var i = 1; i <= 100; i++)
            {
                await store.AppendAsync([Entry((ulong)i, 1, new string('x', 80))], null, sync: i % 10 == 0);
            }

            var names = store.SegmentNames;
            Assert.That(names, Has.Count.GreaterThan(5));
            foreach (var name in names.Take(names.Count - 1))
            {
                // One record (101 bytes) past 1024 never fits, so each sealed segment ends within one record of the limit.
                var length = harness.Disk.ReadAllBytes(name)!.Length;
                Assert.That(length, Is.InRange(1024 - 110, 1024), $"{name} is cut to its records when sealed");
            }

            await store.CompactAsync(new SnapshotMetadata { Index = 50, Term = 1 });
            var afterHalf = store.SegmentNames;
            Assert.That(afterHalf, Has.Count.InRange(names.Count / 2 - 1, names.Count / 2 + 2), "about half the segments hold entries up to 50");
            Assert.That(afterHalf[^1], Is.EqualTo(names[^1]));
            Assert.That(storage.List("raft/"), Is.EqualTo(afterHalf), "deleted segments are gone from the disk too");

            await store.CompactAsync(new SnapshotMetadata { Index = 100, Term = 1 });
            Assert.That(store.SegmentNames, Is.EqualTo(new[] { names[^1] }), "a compaction to the last index leaves only the active segment");

            await using var reopened = await SegmentedLogStore.OpenAsync(storage, options);
        });
    }

    [Test]
    public void Reopening_keeps_the_segment_that_holds_the_latest_snapshot_marker()
    {
        // The marker is in a segment whose entries the snapshot covers entirely; later segments hold no marker. Deleting that segment
        // at open would leave a log whose start no marker explains, which the next open would report as missing data.
        var harness = new DiskHarness();
        harness.Run(async storage =>
        {
            var options = new SegmentedLogStoreOptions { MaxSegmentBytes = 1024 };
            await using (var store = await SegmentedLogStore.OpenAsync(storage, options))
            {
                // 8 entries of 114 bytes fill the first segment; the marker still fits, the 9th entry starts the second segment.
                for (var i = 1; i <= 8; i++)
                {
                    await store.AppendAsync([Entry((ulong)i, 1, new string('m', 80))], null, sync: true);
                }

                await store.CompactAsync(new SnapshotMetadata { Index = 8, Term = 1, Configuration = Voters });
                Assert.That(store.SegmentNames, Has.Count.EqualTo(1));
                for (var i = 9; i <= 20; i++)
                {
                    await store.AppendAsync([Entry((ulong)i, 1, new string('m', 80))], null, sync: true);
                }
            }

            for (var round = 0; round < 2; round++)
            {
                await using var reopened = await SegmentedLogStore.OpenAsync(storage, options);
                Assert.That(reopened.Snapshot.Metadata, Is.EqualTo(new SnapshotMetadata { Index = 8, Term = 1, Configuration = Voters }));
                Assert.That(reopened.LastIndex, Is.EqualTo(20 + (ulong)(10 * round)));
                for (var i = 1; i <= 10; i++)
                {
                    var index = reopened.LastIndex + 1;
                    await reopened.AppendAsync([Entry(index, 1, new string('m', 80))], null, sync: true);
                }
            }
        });
    }

    [Test]
    public void Installing_a_snapshot_starts_a_fresh_segment_and_deletes_the_old_ones()
    {
        var harness = new DiskHarness();
        harness.Run(async storage =>
        {
            var options = new SegmentedLogStoreOptions { MaxSegmentBytes = 1024 };
            await using (var store = await SegmentedLogStore.OpenAsync(storage, options))
            {
                for (var i = 1; i <= 40; i++)
                {
                    await store.AppendAsync([Entry((ulong)i, 1, new string('y', 60))], new HardState(1, N(1), (ulong)i / 2), sync: false);
                }

                await store.InstallSnapshotAsync(new SnapshotMetadata { Index = 500, Term = 4, Configuration = Voters });
                Assert.That(store.SegmentNames, Has.Count.EqualTo(1));
                Assert.That(store.SegmentNames[0], Does.EndWith("-00000000000000000501.seg"));
                await store.AppendAsync([Entry(501, 4)], new HardState(4, N(3), 500), sync: true);
            }

            await using var reopened = await SegmentedLogStore.OpenAsync(storage, options);
            Assert.Multiple(() =>
            {
                Assert.That(reopened.FirstIndex, Is.EqualTo(501));
                Assert.That(reopened.LastIndex, Is.EqualTo(501));
                Assert.That(reopened.Term(500), Is.EqualTo(4));
                Assert.That(reopened.InitialState, Is.EqualTo(new RaftInitialState(new HardState(4, N(3), 500), Voters)));
            });
        });
    }

    [Test]
    public void New_segments_are_preallocated_and_their_zero_tail_is_not_corruption()
    {
        var harness = new DiskHarness();
        harness.Run(async storage =>
        {
            var options = new SegmentedLogStoreOptions { MaxSegmentBytes = 8192 };
            string name;
            await using (var store = await SegmentedLogStore.OpenAsync(storage, options))
            {
                name = store.SegmentNames[0];
                Assert.That(harness.Disk.ReadAllBytes(name)!, Has.Length.EqualTo(8192), "preallocated at creation");
                await store.AppendAsync([Entry(1, 1, "a"), Entry(2, 1, "b")], new HardState(1, N(1), 2), sync: true);
                Assert.That(harness.Disk.ReadAllBytes(name)!, Has.Length.EqualTo(8192), "appends overwrite zeros; the size stays");
            }

            await using var reopened = await SegmentedLogStore.OpenAsync(storage, options);
            Assert.That(reopened.LastIndex, Is.EqualTo(2));
            Assert.That(reopened.DiscardedTailBytes, Is.Zero);
            await reopened.AppendAsync([Entry(3, 1)], null, sync: true);
            Assert.That(reopened.WriteOffset, Is.LessThan(8192));
        });
    }

    [Test]
    public void Preallocation_can_be_turned_off()
    {
        var harness = new DiskHarness();
        harness.Run(async storage =>
        {
            await using var store = await SegmentedLogStore.OpenAsync(storage, new SegmentedLogStoreOptions { MaxSegmentBytes = 8192, PreallocateBytes = 0 });
            await store.AppendAsync([Entry(1, 1, "a")], null, sync: true);
            Assert.That(harness.Disk.ReadAllBytes(store.SegmentNames[0])!, Has.Length.EqualTo(store.WriteOffset));
        });
    }

    [Test]
    public void A_torn_unsynced_tail_is_cut_off_and_every_synced_append_survives()
    {
        var discardedSomewhere = false;
        for (ulong seed = 1; seed <= 25; seed++)
        {
            var harness = new DiskHarness(seed, new DiskOptions { UnsyncedLoss = UnsyncedLossMode.LoseAll });
            var options = new SegmentedLogStoreOptions { MaxSegmentBytes = 4096, PreallocateBytes = seed % 2 == 0 ? null : 0 };
            harness.Run(async storage =>
            {
                var store = await SegmentedLogStore.OpenAsync(storage, options);
                await store.AppendAsync([.. Enumerable.Range(1, 10).Select(i => Entry((ulong)i, 1, $"synced {i}"))], new HardState(1, N(1), 5), sync: true);
                await store.AppendAsync([.. Enumerable.Range(11, 10).Select(i => Entry((ulong)i, 1, new string('u', 100)))], new HardState(1, N(1), 15), sync: false);
            });
            harness.CrashAndRestart(tearLastWrite: true);
            harness.Run(async storage =>
            {
                await using (var store = await SegmentedLogStore.OpenAsync(storage, options))
                {
                    // The tear may fall inside the batch's trailing hard-state record, leaving the entries record whole.
                    Assert.That(store.LastIndex, Is.AnyOf(10UL, 20UL), $"seed {seed}: the torn batch is gone (or its entries record whole)");
                    Assert.That(store.Entries(1, 11, long.MaxValue).Select(e => System.Text.Encoding.UTF8.GetString(e.Data.Span)),
                        Is.EqualTo(Enumerable.Range(1, 10).Select(i => $"synced {i}")), $"seed {seed}: every synced entry survives");
                    Assert.That(store.HardState, Is.EqualTo(new HardState(1, N(1), 5)), $"seed {seed}: the torn batch's hard state is not half-applied");
                    discardedSomewhere |= store.DiscardedTailBytes > 0;

                    // The next append must land where the garbage was, so a reader never finds garbage before good records.
                    await store.AppendAsync([Entry(11, 2, "after")], null, sync: true);
                }

                await using var reopened = await SegmentedLogStore.OpenAsync(storage, options);
                Assert.That(reopened.LastIndex, Is.EqualTo(11));
                Assert.That(reopened.Term(11), Is.EqualTo(2));
            });
        }

        Assert.That(discardedSomewhere, Is.True, "some seeds leave a torn record with garbage to clear");
    }

    [Test]
    public void A_flipped_bit_in_a_record_before_the_tail_is_reported_with_file_and_offset()
    {
        var harness = new DiskHarness();
        var options = new SegmentedLogStoreOptions { MaxSegmentBytes = 64 * 1024 };
        string name = "";
        harness.Run(async storage =>
        {
            await using var store = await SegmentedLogStore.OpenAsync(storage, options);
            for (var i = 1; i <= 4; i++)
            {
                await store.AppendAsync([Entry((ulong)i, 1, new string('z', 40))], null, sync: true);
            }

            name = store.SegmentNames[0];
        });

        // Records: the initial hard state, then one entries record per append; damage the second append's payload.
        var target = SegmentBytes.Records(harness.Disk.ReadAllBytes(name)!)[2];
        harness.Disk.FlipBit(name, target.Offset + 20, 3);
        var error = CatchOpen(harness, options);
        Assert.That(error, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(error!.FileName, Is.EqualTo(name));
            Assert.That(error.Offset, Is.EqualTo(target.Offset));
            Assert.That(error.Message, Does.Contain(name).And.Contain($"offset {target.Offset}"));
            Assert.That(error.Reason, Does.Contain("valid record follows"));
        });
    }

    [Test]
    public void A_flipped_bit_in_the_length_of_a_middle_record_is_reported_too()
    {
        var harness = new DiskHarness();
        var options = new SegmentedLogStoreOptions { MaxSegmentBytes = 64 * 1024, PreallocateBytes = 0 };
        string name = "";
        harness.Run(async storage =>
        {
            await using var store = await SegmentedLogStore.OpenAsync(storage, options);
            for (var i = 1; i <= 6; i++)
            {
                await store.AppendAsync([Entry((ulong)i, 1, new string('q', 30))], null, sync: true);
            }

            name = store.SegmentNames[0];
        });

        var target = SegmentBytes.Records(harness.Disk.ReadAllBytes(name)!)[3];
        harness.Disk.FlipBit(name, target.Offset, 2);
        var error = CatchOpen(harness, options);
        Assert.That(error?.FileName, Is.EqualTo(name));
        Assert.That(error!.Offset, Is.EqualTo(target.Offset));
    }

    [Test]
    public void Damage_at_the_end_of_a_segment_that_is_not_the_last_is_reported()
    {
        var harness = new DiskHarness();
        var options = new SegmentedLogStoreOptions { MaxSegmentBytes = 1024 };
        IReadOnlyList<string> names = [];
        harness.Run(async storage =>
        {
            await using var store = await SegmentedLogStore.OpenAsync(storage, options);
            for (var i = 1; i <= 40; i++)
            {
                await store.AppendAsync([Entry((ulong)i, 1, new string('w', 90))], null, sync: true);
            }

            names = store.SegmentNames;
        });

        Assert.That(names, Has.Count.GreaterThan(2));
        var last = SegmentBytes.Records(harness.Disk.ReadAllBytes(names[0])!)[^1];
        harness.Disk.FlipBit(names[0], last.Offset + last.Length - 1, 0);
        var error = CatchOpen(harness, options);
        Assert.That(error?.FileName, Is.EqualTo(names[0]));
        Assert.That(error!.Offset, Is.EqualTo(last.Offset));
        Assert.That(error.Reason, Does.Contain("not the last"));
    }

    [Test]
    public void A_missing_segment_in_the_middle_is_reported()
    {
        var harness = new DiskHarness();
        var options = new SegmentedLogStoreOptions { MaxSegmentBytes = 1024 };
        IReadOnlyList<string> names = [];
        harness.Run(async storage =>
        {
            await using (var store = await SegmentedLogStore.OpenAsync(storage, options))
            {
                for (var i = 1; i <= 40; i++)
                {
                    await store.AppendAsync([Entry((ulong)i, 1, new string('w', 90))], null, sync: true);
                }

                names = store.SegmentNames;
            }

            await storage.DeleteAsync(names[1]);
            await storage.SyncDirectoryAsync();
        });

        var error = CatchOpen(harness, options);
        Assert.That(error?.FileName, Is.EqualTo(names[2]), "replay starts after the hole and finds the log before it missing");
        Assert.That(error!.Reason, Does.Contain("missing"));
    }

    [Test]
    public void A_segment_whose_first_index_does_not_follow_the_previous_one_is_reported()
    {
        var harness = new DiskHarness();
        var options = new SegmentedLogStoreOptions { MaxSegmentBytes = 1024 };
        IReadOnlyList<string> names = [];
        harness.Run(async storage =>
        {
            await using (var store = await SegmentedLogStore.OpenAsync(storage, options))
            {
                for (var i = 1; i <= 30; i++)
                {
                    await store.AppendAsync([Entry((ulong)i, 1, new string('w', 90))], null, sync: true);
                }

                names = store.SegmentNames;
            }

            // Cut the last record off the first segment (within its zero-free end): the second segment no longer follows it.
            var file = await storage.OpenAsync(names[0], StorageOpenMode.OpenExisting);
            await using (file)
            {
                var last = SegmentBytes.Records(harness.Disk.ReadAllBytes(names[0])!)[^1];
                await file.SetLengthAsync(last.Offset);
                await file.FlushAsync();
            }
        });

        var error = CatchOpen(harness, options);
        Assert.That(error?.FileName, Is.EqualTo(names[1]));
        Assert.That(error!.Reason, Does.Contain("segments before it end at index"));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void A_last_segment_whose_creation_a_crash_cut_short_is_removed(bool validHeader)
    {
        // A real file system may keep a new file's name without its contents when the crash comes before the fsyncs; the simulated
        // disk never does, so the leftover is made by hand: a header (or garbage where it should be) and zeros.
        var harness = new DiskHarness();
        var options = new SegmentedLogStoreOptions { MaxSegmentBytes = 1024 };
        harness.Run(async storage =>
        {
            IReadOnlyList<string> names;
            await using (var store = await SegmentedLogStore.OpenAsync(storage, options))
            {
                for (var i = 1; i <= 20; i++)
                {
                    await store.AppendAsync([Entry((ulong)i, 1, new string('h', 80))], new HardState(1, N(1), (ulong)i), sync: true);
                }

                names = store.SegmentNames;
            }

            SegmentFormat.TryParseFileName(names[^1], "raft/", out var sequence, out _);
            var leftover = SegmentFormat.FileName("raft/", sequence + 1, 21);
            var bytes = new byte[1024];
            if (validHeader)
            {
                SegmentFormat.WriteHeader(bytes, sequence + 1, 21);
            }
            else
            {
                new RandomSource(7).NextBytes(bytes.AsSpan(0, 30));
            }

            var file = await storage.OpenAsync(leftover, StorageOpenMode.CreateNew);
            await file.WriteAsync(0, bytes);
            await file.FlushAsync();
            await file.DisposeAsync();
            await storage.SyncDirectoryAsync();

            await using var reopened = await SegmentedLogStore.OpenAsync(storage, options);
            Assert.That(reopened.LastIndex, Is.EqualTo(20));
            Assert.That(reopened.HardState, Is.EqualTo(new HardState(1, N(1), 20)));
            Assert.That(storage.Exists(leftover), Is.False);
            Assert.That(reopened.SegmentNames, Is.EqualTo(names));
            await reopened.AppendAsync([Entry(21, 1)], null, sync: true);
        });
    }

    [Test]
    public void A_full_disk_at_rollover_refuses_the_append_removes_the_new_segment_and_a_later_rollover_succeeds()
    {
        var harness = new DiskHarness();
        var options = new SegmentedLogStoreOptions { MaxSegmentBytes = 4096 };
        harness.Run(async storage =>
        {
            await using (var store = await SegmentedLogStore.OpenAsync(storage, options))
            {
                var index = 1UL;
                while (store.SegmentNames.Count == 1 && store.WriteOffset + 200 < 4096)
                {
                    await store.AppendAsync([Entry(index, 1, new string('p', 150))], null, sync: true);
                    index++;
                }

                // The next append needs a new segment, whose preallocation does not fit.
                harness.Disk.CapacityBytes = harness.Disk.UsedBytes + 1000;
                Assert.That(await Catch.ExceptionAsync(() => store.AppendAsync([Entry(index, 1, new string('p', 150))], null, sync: true)), Is.TypeOf<StorageFullException>());
                Assert.That(store.LastIndex, Is.EqualTo(index - 1));
                Assert.That(storage.List("raft/"), Has.Count.EqualTo(1), "the half-made segment is gone");

                harness.Disk.CapacityBytes = DiskOptions.DefaultCapacityBytes;
                await store.AppendAsync([Entry(index, 1, "after" + new string('p', 150))], null, sync: true);
                Assert.That(store.SegmentNames, Has.Count.EqualTo(2));
            }

            await using var reopened = await SegmentedLogStore.OpenAsync(storage, options);
            Assert.That(System.Text.Encoding.UTF8.GetString(reopened.Entries(reopened.LastIndex, reopened.LastIndex + 1, long.MaxValue)[0].Data.Span), Does.StartWith("after"));
        });
    }

    [Test]
    public void Bootstrap_writes_the_same_founding_entry_as_the_memory_log_durably()
    {
        var harness = new DiskHarness();
        harness.Run(async storage =>
        {
            var store = await SegmentedLogStore.OpenAsync(storage);
            await store.BootstrapAsync([N(3), N(1), N(2)]);
        });
        harness.CrashAndRestart(tearLastWrite: true);
        harness.Run(async storage =>
        {
            await using var reopened = await SegmentedLogStore.OpenAsync(storage);
            var memory = MemoryRaftLog.CreateBootstrapped([N(1), N(2), N(3)]);
            Assert.That(LogContents.Of(reopened), Is.EqualTo(LogContents.Of(memory)));
            Assert.That(reopened.HardState, Is.EqualTo(new HardState(1, NodeId.None, 1)));
            Assert.That(ConfigChange.Decode(reopened.Entries(1, 2, long.MaxValue)[0].Data).Items.Select(i => i.Node), Is.EqualTo(new[] { N(1), N(2), N(3) }));
        });
    }

    [Test]
    public void Bootstrap_refuses_a_store_that_is_not_empty_and_an_empty_voter_list()
    {
        var harness = new DiskHarness();
        harness.Run(async storage =>
        {
            await using var store = await SegmentedLogStore.OpenAsync(storage);
            Assert.That(await Catch.ExceptionAsync(() => store.BootstrapAsync([])), Is.InstanceOf<ArgumentException>());
            await store.AppendAsync([], new HardState(2, NodeId.None, 0), sync: true);
            Assert.That(await Catch.ExceptionAsync(() => store.BootstrapAsync([N(1)])), Is.InstanceOf<InvalidOperationException>());
        });
    }

    [Test]
    public void Compaction_with_a_term_that_disagrees_with_the_log_is_refused()
    {
        var harness = new DiskHarness();
        harness.Run(async storage =>
        {
            await using var store = await SegmentedLogStore.OpenAsync(storage);
            await store.AppendAsync([Entry(1, 1), Entry(2, 2)], null, sync: true);
            Assert.That(await Catch.ExceptionAsync(() => store.CompactAsync(new SnapshotMetadata { Index = 2, Term = 1 })), Is.InstanceOf<ArgumentException>());
            Assert.That(store.FirstIndex, Is.EqualTo(1));
        });
    }

    [Test]
    public void Entries_that_are_not_consecutive_are_refused()
    {
        var harness = new DiskHarness();
        harness.Run(async storage =>
        {
            await using var store = await SegmentedLogStore.OpenAsync(storage);
            Assert.That(await Catch.ExceptionAsync(() => store.AppendAsync([Entry(1, 1), Entry(3, 1)], null, sync: true)), Is.InstanceOf<ArgumentException>());
            Assert.That(store.LastIndex, Is.Zero);
        });
    }

    [Test]
    public void A_full_disk_refuses_the_append_and_the_store_goes_on_once_there_is_room()
    {
        var harness = new DiskHarness();
        harness.Run(async storage =>
        {
            var options = new SegmentedLogStoreOptions { MaxSegmentBytes = 4096, PreallocateBytes = 0 };
            await using var store = await SegmentedLogStore.OpenAsync(storage, options);
            await store.AppendAsync([Entry(1, 1)], null, sync: true);
            harness.Disk.CapacityBytes = harness.Disk.UsedBytes + 50;
            Assert.That(await Catch.ExceptionAsync(() => store.AppendAsync([Entry(2, 1, new string('f', 200))], null, sync: true)), Is.TypeOf<StorageFullException>());
            Assert.That(store.LastIndex, Is.EqualTo(1));
            harness.Disk.CapacityBytes = DiskOptions.DefaultCapacityBytes;
            await store.AppendAsync([Entry(2, 1, "fits")], null, sync: true);
            Assert.That(store.LastIndex, Is.EqualTo(2));
        });
    }

    [Test]
    public void Options_are_validated_with_the_property_named()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new SegmentedLogStoreOptions { MaxSegmentBytes = 10 }.Validate(),
                Throws.TypeOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("MaxSegmentBytes"));
            Assert.That(() => new SegmentedLogStoreOptions { PreallocateBytes = -1 }.Validate(),
                Throws.TypeOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("PreallocateBytes"));
            Assert.That(() => new SegmentedLogStoreOptions { Prefix = "raft" }.Validate(),
                Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("Prefix"));
            Assert.That(() => new SegmentedLogStoreOptions { Prefix = "../x/" }.Validate(),
                Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("Prefix"));
            Assert.That(() => new SegmentedLogStoreOptions { Prefix = "" }.Validate(), Throws.Nothing);
        });
    }

    [Test]
    public async Task Appends_survive_a_reopen_on_a_real_disk()
    {
        using var folder = new TemporaryFolder();
        var storage = new DiskFileStorage(folder.Path);
        var options = new SegmentedLogStoreOptions { MaxSegmentBytes = 64 * 1024 };
        await using (var store = await SegmentedLogStore.OpenAsync(storage, options))
        {
            await store.BootstrapAsync([N(1)]);
            for (var i = 2; i <= 1000; i++)
            {
                await store.AppendAsync([Entry((ulong)i, 2, $"command {i}")], new HardState(2, N(1), (ulong)i - 1), sync: i % 100 == 0);
            }

            await store.CompactAsync(new SnapshotMetadata { Index = 600, Term = 2, Configuration = ConfigurationState.Create([N(1)]) });
        }

        await using var reopened = await SegmentedLogStore.OpenAsync(storage, options);
        Assert.Multiple(() =>
        {
            Assert.That(reopened.FirstIndex, Is.EqualTo(601));
            Assert.That(reopened.LastIndex, Is.EqualTo(1000));
            Assert.That(reopened.HardState, Is.EqualTo(new HardState(2, N(1), 999)));
            Assert.That(System.Text.Encoding.UTF8.GetString(reopened.Entries(777, 778, long.MaxValue)[0].Data.Span), Is.EqualTo("command 777"));
            Assert.That(Directory.GetFiles(Path.Combine(folder.Path, "raft")).Length, Is.LessThan(8), "covered segments were deleted");
        });
    }

    private static CorruptDataException? CatchOpen(DiskHarness harness, SegmentedLogStoreOptions options) => harness.Run(async storage =>
    {
        try
        {
            await (await SegmentedLogStore.OpenAsync(storage, options)).DisposeAsync();
            return null;
        }
        catch (CorruptDataException e)
        {
            return e;
        }
    });
}
