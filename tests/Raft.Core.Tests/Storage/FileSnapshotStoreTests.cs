using Cluster.Core;
using Cluster.Simulation;
using Raft.Core.Tests.Infrastructure;
using static Raft.Core.Tests.Infrastructure.Msg;

namespace Raft.Core.Tests.Storage;

public sealed class FileSnapshotStoreTests
{
    private static readonly ConfigurationState Voters = ConfigurationState.Create([N(1), N(2), N(3)]);

    [Test]
    public void A_committed_snapshot_reads_back_after_a_reopen()
    {
        var harness = new DiskHarness();
        var data = Payload(10_000, 1);
        var metadata = new SnapshotMetadata { Index = 42, Term = 3, Configuration = Voters };
        harness.Run(async storage =>
        {
            await using (var store = await FileSnapshotStore.OpenAsync(storage))
            {
                Assert.That(store.Current, Is.Null);
                await using var writer = await store.CreateAsync();
                await writer.Stream.WriteAsync(data);
                Assert.That(writer.Length, Is.EqualTo(data.Length));
                await writer.CommitAsync(metadata);
                Assert.That(store.Current, Is.EqualTo(metadata));
            }

            await using var reopened = await FileSnapshotStore.OpenAsync(storage);
            Assert.That(reopened.Current, Is.EqualTo(metadata));
            Assert.That(await ReadAllAsync(reopened), Is.EqualTo(data));
            Assert.That(storage.List("snapshots/"), Has.Count.EqualTo(1).And.All.EndsWith(".snap"));
        });
    }

    [Test]
    public void A_new_commit_replaces_the_previous_snapshot_and_deletes_its_file()
    {
        var harness = new DiskHarness();
        harness.Run(async storage =>
        {
            await using var store = await FileSnapshotStore.OpenAsync(storage);
            await CommitAsync(store, Payload(100, 1), new SnapshotMetadata { Index = 10, Term = 1 });
            var first = store.CurrentFileName;
            await CommitAsync(store, Payload(200, 2), new SnapshotMetadata { Index = 20, Term = 2 });
            Assert.Multiple(() =>
            {
                Assert.That(store.Current!.Index, Is.EqualTo(20));
                Assert.That(storage.Exists(first!), Is.False);
                Assert.That(storage.List("snapshots/"), Is.EqualTo(new[] { store.CurrentFileName }));
            });
            Assert.That(await ReadAllAsync(store), Is.EqualTo(Payload(200, 2)));
        });
    }

    [Test]
    public void A_crash_before_commit_leaves_the_previous_snapshot_and_removes_the_unfinished_one()
    {
        var harness = new DiskHarness();
        harness.Run(async storage =>
        {
            var store = await FileSnapshotStore.OpenAsync(storage);
            await CommitAsync(store, Payload(5000, 1), new SnapshotMetadata { Index = 10, Term = 1 });
            var writer = await store.CreateAsync();
            await writer.Stream.WriteAsync(Payload(5000, 2));
            await writer.Stream.FlushAsync();
        });
        harness.CrashAndRestart(tearLastWrite: true);
        harness.Run(async storage =>
        {
            await using var store = await FileSnapshotStore.OpenAsync(storage);
            Assert.That(store.Current!.Index, Is.EqualTo(10));
            Assert.That(await ReadAllAsync(store), Is.EqualTo(Payload(5000, 1)));
            Assert.That(storage.List("snapshots/").Where(n => n.EndsWith(".tmp", StringComparison.Ordinal)), Is.Empty);
        });
    }

    [Test]
    public void A_crash_anywhere_during_a_commit_leaves_the_old_or_the_new_snapshot_and_never_loses_an_acknowledged_one()
    {
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        Seeds.Run(60, seed =>
        {
            var state = new CommitWorkload();
            var sim = new Simulator(seed);
            var node = sim.AddNode(new NodeId(1), state.Incarnation);
            var random = new RandomSource(seed);
            sim.Run(TimeSpan.FromMicroseconds(random.Next(12_000)));
            node.Crash(tearLastWrite: random.Chance(0.5));
            node.Restart();
            Assert.That(sim.RunUntil(() => state.Verified || state.Failure is not null, TimeSpan.FromSeconds(10)), Is.True, "recovery finished");
            Assert.That(state.Failure, Is.Null);
            outcomes[state.Outcome] = outcomes.GetValueOrDefault(state.Outcome) + 1;
        });
        TestContext.Out.WriteLine(string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}")));
    }

    [Test]
    public void Stale_temporary_files_and_superseded_snapshots_are_removed_at_open_and_other_files_kept()
    {
        var harness = new DiskHarness();
        harness.Run(async storage =>
        {
            string current;
            await using (var store = await FileSnapshotStore.OpenAsync(storage))
            {
                await CommitAsync(store, Payload(300, 1), new SnapshotMetadata { Index = 7, Term = 1 });
                current = store.CurrentFileName!;
            }

            // What crashes leave: a temporary file of a writer that never committed, and an older snapshot a commit did not delete.
            await WriteFileAsync(storage, "snapshots/snapshot-00000000000000000000.snap", harness.Disk.ReadAllBytes(current)!);
            await WriteFileAsync(storage, "snapshots/snapshot-00000000000000000099.tmp", Payload(100, 9));
            await WriteFileAsync(storage, "snapshots/notes.txt", Payload(10, 3));

            await using var reopened = await FileSnapshotStore.OpenAsync(storage);
            Assert.That(reopened.CurrentFileName, Is.EqualTo(current));
            Assert.That(storage.List("snapshots/"), Is.EquivalentTo(new[] { current, "snapshots/notes.txt" }));

            // Numbers are not reused: the next commit sorts after everything seen, the stale temporary file included.
            await CommitAsync(reopened, Payload(10, 4), new SnapshotMetadata { Index = 8, Term = 1 });
            Assert.That(string.CompareOrdinal(reopened.CurrentFileName, "snapshots/snapshot-00000000000000000099.tmp"), Is.GreaterThan(0));
        });
    }

    [TestCase("payload")]
    [TestCase("metadata")]
    [TestCase("trailer")]
    public void A_corrupt_snapshot_is_reported_with_its_file_and_offset(string where)
    {
        var harness = new DiskHarness();
        var data = Payload(4000, 5);
        string name = "";
        harness.Run(async storage =>
        {
            await using var store = await FileSnapshotStore.OpenAsync(storage);
            await CommitAsync(store, Payload(100, 4), new SnapshotMetadata { Index = 5, Term = 1 });
            await CommitAsync(store, data, new SnapshotMetadata { Index = 9, Term = 2, Configuration = Voters });
            name = store.CurrentFileName!;
        });

        var length = harness.Disk.ReadAllBytes(name)!.Length;
        var (flip, expectedOffset) = where switch
        {
            "payload" => (1234L, 0L),
            "metadata" => (data.Length + 2L, (long)data.Length),
            _ => (length - 10L, length - 32L),
        };
        harness.Disk.FlipBit(name, flip, 4);
        var error = harness.Run(async storage =>
        {
            try
            {
                await FileSnapshotStore.OpenAsync(storage);
                return (CorruptDataException?)null;
            }
            catch (CorruptDataException e)
            {
                return e;
            }
        });
        Assert.That(error, Is.Not.Null, "a damaged committed snapshot is not silently replaced by an older one");
        Assert.Multiple(() =>
        {
            Assert.That(error!.FileName, Is.EqualTo(name));
            Assert.That(error.Offset, Is.EqualTo(expectedOffset));
            Assert.That(error.Message, Does.Contain(name).And.Contain($"offset {expectedOffset}"));
        });
    }

    [Test]
    public void A_large_snapshot_is_streamed_in_chunks_and_read_back_with_seeks()
    {
        const int size = 6 * 1024 * 1024 + 123;
        var data = Payload(size, 7);
        var harness = new DiskHarness();
        harness.Run(async storage =>
        {
            await using var store = await FileSnapshotStore.OpenAsync(storage);
            await using (var writer = await store.CreateAsync())
            {
                // Mixed chunk sizes, synchronous and asynchronous, small and larger than the 64 KiB buffer.
                var position = 0;
                var chunk = 0;
                while (position < size)
                {
                    var count = Math.Min(size - position, chunk % 3 == 0 ? 100_000 : 7_777);
                    if (chunk % 4 == 1)
                    {
                        writer.Stream.Write(data, position, count);
                    }
                    else
                    {
                        await writer.Stream.WriteAsync(data.AsMemory(position, count));
                    }

                    position += count;
                    chunk++;
                }

                writer.Stream.WriteByte(0);
                Assert.That(writer.Length, Is.EqualTo(size + 1));
                Assert.That(writer.Stream.CanSeek, Is.False);
                await writer.CommitAsync(new SnapshotMetadata { Index = 1000, Term = 9 });
            }

            await using (var reopened = await FileSnapshotStore.OpenAsync(storage))
            {
                await using var stream = await reopened.OpenReadAsync();
                Assert.That(stream.CanSeek && stream.CanRead && !stream.CanWrite, Is.True);
                Assert.That(stream.Length, Is.EqualTo(size + 1));
                var copy = new MemoryStream();
                await stream.CopyToAsync(copy, 80 * 1024);
                Assert.That(copy.ToArray().AsSpan(0, size).SequenceEqual(data), Is.True, "the bytes read back are the bytes written");

                stream.Seek(3_000_000, SeekOrigin.Begin);
                var middle = new byte[1000];
                await stream.ReadExactlyAsync(middle);
                Assert.That(middle, Is.EqualTo(data.AsSpan(3_000_000, 1000).ToArray()));
                stream.Position = size - 5;
                var tail = new byte[100];
                Assert.That(stream.Read(tail, 0, tail.Length), Is.EqualTo(6), "reads stop at the end of the payload, before the metadata");
                Assert.That(stream.Seek(-1, SeekOrigin.End), Is.EqualTo(size));
                Assert.That(() => stream.Write([1], 0, 1), Throws.TypeOf<NotSupportedException>());
            }
        });
    }

    [Test]
    public void A_discarded_writer_leaves_nothing_and_a_writer_commits_only_once()
    {
        var harness = new DiskHarness();
        harness.Run(async storage =>
        {
            await using var store = await FileSnapshotStore.OpenAsync(storage);
            await using (var discarded = await store.CreateAsync())
            {
                await discarded.Stream.WriteAsync(Payload(1000, 1));
            }

            Assert.That(storage.List("snapshots/"), Is.Empty);
            Assert.That(store.Current, Is.Null);

            await using var writer = await store.CreateAsync();
            await writer.CommitAsync(new SnapshotMetadata { Index = 1, Term = 1 });
            var again = await Catch.ExceptionAsync(() => writer.CommitAsync(new SnapshotMetadata { Index = 2, Term = 1 }));
            Assert.That(again, Is.TypeOf<InvalidOperationException>());
            Assert.That(() => writer.Stream, Throws.TypeOf<ObjectDisposedException>());
            Assert.That(store.Current!.Index, Is.EqualTo(1));
            Assert.That(await ReadAllAsync(store), Is.Empty, "an empty snapshot is a valid one");
        });
    }

    [Test]
    public void Reading_without_a_snapshot_is_refused()
    {
        var harness = new DiskHarness();
        harness.Run(async storage =>
        {
            await using var store = await FileSnapshotStore.OpenAsync(storage);
            var error = await Catch.ExceptionAsync(async () => await (await store.OpenReadAsync()).DisposeAsync());
            Assert.That(error, Is.TypeOf<InvalidOperationException>());
        });
    }

    [Test]
    public void A_reader_keeps_its_snapshot_while_a_newer_one_is_committed()
    {
        var harness = new DiskHarness();
        harness.Run(async storage =>
        {
            await using var store = await FileSnapshotStore.OpenAsync(storage);
            await CommitAsync(store, Payload(50_000, 1), new SnapshotMetadata { Index = 10, Term = 1 });
            await using var reader = await store.OpenReadAsync();
            var head = new byte[1000];
            await reader.ReadExactlyAsync(head);
            await CommitAsync(store, Payload(60_000, 2), new SnapshotMetadata { Index = 20, Term = 1 });
            var rest = new MemoryStream();
            await reader.CopyToAsync(rest);
            Assert.That(head.Concat(rest.ToArray()), Is.EqualTo(Payload(50_000, 1)));
            Assert.That(await ReadAllAsync(store), Is.EqualTo(Payload(60_000, 2)));
        });
    }

    [Test]
    public void The_prefix_must_name_a_folder()
    {
        var harness = new DiskHarness();
        harness.Run(async storage =>
        {
            var error = await Catch.ExceptionAsync(async () => await FileSnapshotStore.OpenAsync(storage, "snapshots"));
            Assert.That(error, Is.InstanceOf<ArgumentException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("prefix"));
        });
    }

    [Test]
    public async Task Snapshots_commit_and_reopen_on_a_real_disk()
    {
        using var folder = new TemporaryFolder();
        var storage = new DiskFileStorage(folder.Path);
        var data = Payload(300_000, 3);
        await using (var store = await FileSnapshotStore.OpenAsync(storage))
        {
            await CommitAsync(store, Payload(1000, 1), new SnapshotMetadata { Index = 3, Term = 1 });
            await CommitAsync(store, data, new SnapshotMetadata { Index = 30, Term = 2, Configuration = Voters });
        }

        await using var reopened = await FileSnapshotStore.OpenAsync(storage);
        Assert.That(reopened.Current, Is.EqualTo(new SnapshotMetadata { Index = 30, Term = 2, Configuration = Voters }));
        Assert.That(await ReadAllAsync(reopened), Is.EqualTo(data));
        Assert.That(Directory.GetFiles(Path.Combine(folder.Path, "snapshots")), Has.Length.EqualTo(1));
    }

    private static byte[] Payload(int size, ulong seed)
    {
        var bytes = new byte[size];
        new RandomSource(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task CommitAsync(FileSnapshotStore store, byte[] data, SnapshotMetadata metadata)
    {
        await using var writer = await store.CreateAsync();
        await writer.Stream.WriteAsync(data);
        await writer.CommitAsync(metadata);
    }

    private static async Task<byte[]> ReadAllAsync(ISnapshotStore store)
    {
        await using var stream = await store.OpenReadAsync();
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static async Task WriteFileAsync(IFileStorage storage, string name, byte[] bytes)
    {
        var file = await storage.OpenAsync(name, StorageOpenMode.Truncate);
        await using (file)
        {
            await file.WriteAsync(0, bytes);
            await file.FlushAsync();
        }

        await storage.SyncDirectoryAsync();
    }

    /// <summary>Commits one snapshot, then starts a second and crashes somewhere in it; the test's memory survives the crash.</summary>
    private sealed class CommitWorkload
    {
        private static readonly SnapshotMetadata First = new() { Index = 100, Term = 1, Configuration = Voters };
        private static readonly SnapshotMetadata Second = new() { Index = 200, Term = 2, Configuration = Voters };

        private bool _firstCommitted;
        private bool _secondCommitted;

        public bool Verified { get; private set; }

        public string? Failure { get; private set; }

        public string Outcome { get; private set; } = "";

        public Task Incarnation(NodeEnvironment env) => env.Incarnation == 1 ? WorkAsync(env) : VerifyAsync(env);

        private async Task WorkAsync(NodeEnvironment env)
        {
            var store = await FileSnapshotStore.OpenAsync(env.Storage);
            await CommitAsync(store, Payload(150_000, 1), First);
            _firstCommitted = true;
            var writer = await store.CreateAsync();
            for (var i = 0; i < 10; i++)
            {
                await writer.Stream.WriteAsync(Payload(200_000, 2).AsMemory(i * 20_000, 20_000));
                await Task.Delay(TimeSpan.FromMicroseconds(200), env.Time);
            }

            await writer.CommitAsync(Second);
            _secondCommitted = true;
        }

        private async Task VerifyAsync(NodeEnvironment env)
        {
            try
            {
                await using var store = await FileSnapshotStore.OpenAsync(env.Storage);
                var current = store.Current;
                var allowed = new List<SnapshotMetadata?>();
                if (!_firstCommitted)
                {
                    allowed.Add(null);
                }

                if (!_secondCommitted)
                {
                    allowed.Add(First);
                }

                allowed.Add(Second);
                if (!allowed.Contains(current))
                {
                    Failure = $"found snapshot {current?.Index.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}; committed first {_firstCommitted}, second {_secondCommitted}";
                    return;
                }

                if (current is not null)
                {
                    var expected = current.Index == First.Index ? Payload(150_000, 1) : Payload(200_000, 2);
                    if (!(await ReadAllAsync(store)).AsSpan().SequenceEqual(expected))
                    {
                        Failure = $"snapshot {current.Index} reads back different bytes";
                        return;
                    }
                }

                if (env.Storage.List("snapshots/").Count > (current is null ? 0 : 1))
                {
                    Failure = $"leftover files: {string.Join(", ", env.Storage.List("snapshots/"))}";
                    return;
                }

                Outcome = current is null ? "no snapshot" : current == First ? (_secondCommitted ? "lost" : "first kept") : (_secondCommitted ? "second, acknowledged" : "second, unacknowledged");
                Verified = true;
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                Failure = $"open failed: {e.GetType().Name}: {e.Message}";
            }
        }
    }
}
