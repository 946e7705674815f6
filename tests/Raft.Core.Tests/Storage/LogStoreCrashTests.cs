using Cluster.Core;
using Cluster.Simulation;
using Raft.Core.Tests.Infrastructure;

namespace Raft.Core.Tests.Storage;

/// <summary>
/// A node appends (synced or not), overwrites suffixes, saves hard states, compacts and installs snapshots on a
/// <see cref="SegmentedLogStore"/> with small segments, and crashes at a point the seed picks (losing unsynced writes, sometimes
/// tearing the last one), sometimes again during recovery. The recovered log must be exactly one of the states the log passed
/// through since the last write acknowledged as durable: nothing synced is lost, nothing truncated comes back, no record is
/// half-applied. The recovered store must then take writes that survive another reopen.
/// </summary>
public sealed class LogStoreCrashTests
{
    [Test]
    public void Recovery_after_a_crash_anywhere_is_a_state_the_log_passed_through_since_its_last_durable_write()
    {
        int runs = 0, steps = 0, compactions = 0, installs = 0, unsyncedKept = 0, tornTails = 0, doubleCrashes = 0;
        Seeds.Run(100, seed =>
        {
            var random = new RandomSource(seed);
            var options = new SegmentedLogStoreOptions
            {
                MaxSegmentBytes = 1024 * (1 + random.Next(3)),
                PreallocateBytes = random.Chance(0.5) ? null : 0,
            };
            var crashTwice = random.Chance(0.3);
            var workload = new Workload(options, finalIncarnation: crashTwice ? 3 : 2);
            var sim = new Simulator(seed);
            var node = sim.AddNode(new NodeId(1), workload.Incarnation);
            var crashAt = TimeSpan.FromMilliseconds(1 + random.Next(250));
            sim.Run(crashAt);
            node.Crash(tearLastWrite: random.Chance(0.5));
            node.Restart();
            if (crashTwice)
            {
                // The first recovery may still be cutting off a torn tail or deleting leftovers.
                sim.RunFor(TimeSpan.FromMicroseconds(random.Next(3000)));
                node.Crash(tearLastWrite: random.Chance(0.5));
                node.Restart();
            }

            Assert.That(sim.RunUntil(() => workload.Done, TimeSpan.FromSeconds(30)), Is.True, "recovery finished");
            Assert.That(workload.Failure, Is.Null,
                $"crash at {crashAt.TotalMilliseconds} ms after {workload.Steps} steps; {workload.States} states, the last durable one #{workload.Durable}");
            runs++;
            steps += workload.Steps;
            compactions += workload.Compactions;
            installs += workload.Installs;
            unsyncedKept += workload.RecoveredPastDurable ? 1 : 0;
            tornTails += workload.DiscardedTail ? 1 : 0;
            doubleCrashes += crashTwice ? 1 : 0;
        });
        TestContext.Out.WriteLine(
            $"{runs} runs, {steps} steps, {compactions} compactions, {installs} installs; recovery kept unsynced writes in {unsyncedKept} runs, " +
            $"cut a torn tail in {tornTails}; {doubleCrashes} runs crashed again during recovery");
    }

    /// <summary>The test's memory of every state the log went through; it survives the node's crashes as a client's would.</summary>
    private sealed class Workload(SegmentedLogStoreOptions options, int finalIncarnation)
    {
        private const int MaxSteps = 300;

        // Every state the store could be found in after a crash, in order: one per record written, since a crash can keep any
        // prefix of the unsynced records. The states from the last durable one on are the allowed outcomes.
        private readonly List<LogContents> _states = [new LogContents(new SnapshotMetadata(), HardState.Empty, [])];
        private LogContents? _observed;

        public bool Done { get; private set; }

        public string? Failure { get; private set; }

        public int Steps { get; private set; }

        public int States => _states.Count;

        public int Durable { get; private set; }

        public int Compactions { get; private set; }

        public int Installs { get; private set; }

        public bool RecoveredPastDurable { get; private set; }

        public bool DiscardedTail { get; private set; }

        public Task Incarnation(NodeEnvironment env) => env.Incarnation == 1 ? WorkAsync(env) : VerifyAsync(env);

        private static LogEntry NewEntry(RandomSource random, ulong index, ulong term)
        {
            var data = new byte[random.Next(120)];
            random.NextBytes(data);
            return new LogEntry { Index = index, Term = term, Kind = random.Chance(0.1) ? EntryKind.NoOp : EntryKind.Normal, Data = data };
        }

        private async Task WorkAsync(NodeEnvironment env)
        {
            var random = env.Random;
            var store = await SegmentedLogStore.OpenAsync(env.Storage, options);
            ulong term = 1;
            for (Steps = 0; Steps < MaxSteps; Steps++)
            {
                await Task.Delay(TimeSpan.FromMicroseconds(20 + random.Next(400)), env.Time);
                var current = _states[^1];
                var first = current.Snapshot.Index + 1;
                var last = current.Snapshot.Index + (ulong)current.Entries.Count;
                var roll = random.Next(100);
                bool durable;
                if (roll < 62)
                {
                    // Appends; a fifth of them overwrite a suffix under a new term, as a follower does for a new leader.
                    var from = last + 1;
                    if (roll < 12 && last >= first)
                    {
                        from = first + (ulong)random.Next((int)(last - first + 1));
                        term++;
                        Record(current with { Entries = [.. current.Entries.Take((int)(from - first))] });
                    }

                    var entries = Enumerable.Range(0, 1 + random.Next(4)).Select(i => NewEntry(random, from + (ulong)i, term)).ToList();
                    Record(_states[^1] with { Entries = [.. _states[^1].Entries, .. entries] });
                    HardState? hardState = random.Chance(0.5) ? new HardState(term, random.Chance(0.5) ? NodeId.None : new NodeId(1), from - 1) : null;
                    if (hardState is { } state)
                    {
                        Record(_states[^1] with { HardState = state });
                    }

                    durable = random.Chance(0.6);
                    await store.AppendAsync(entries, hardState, durable);
                }
                else if (roll < 72)
                {
                    term += (ulong)random.Next(2);
                    var state = new HardState(term, new NodeId((ulong)random.Next(3)), current.HardState.Commit);
                    Record(current with { HardState = state });
                    durable = random.Chance(0.5);
                    await store.AppendAsync([], state, durable);
                }
                else if (roll < 84 && last > current.Snapshot.Index)
                {
                    var index = current.Snapshot.Index + 1 + (ulong)random.Next((int)(last - current.Snapshot.Index));
                    var metadata = new SnapshotMetadata { Index = index, Term = current.Entries[(int)(index - first)].Term, Configuration = RandomConfiguration(random) };
                    Record(current with { Snapshot = metadata, Entries = [.. current.Entries.Skip((int)(index - current.Snapshot.Index))] });
                    durable = true;
                    Compactions++;
                    await store.CompactAsync(metadata);
                }
                else if (roll < 90)
                {
                    var index = current.Snapshot.Index + 1 + (ulong)random.Next((int)(last - current.Snapshot.Index) + 5);
                    var metadata = new SnapshotMetadata { Index = index, Term = term, Configuration = RandomConfiguration(random) };
                    Record(current with { Snapshot = metadata, Entries = [] });
                    durable = true;
                    Installs++;
                    await store.InstallSnapshotAsync(metadata);
                }
                else
                {
                    durable = true;
                    await store.AppendAsync([], null, sync: true);
                }

                if (durable)
                {
                    Durable = _states.Count - 1;
                }
            }
        }

        private async Task VerifyAsync(NodeEnvironment env)
        {
            try
            {
                var store = await SegmentedLogStore.OpenAsync(env.Storage, options);
                var recovered = LogContents.Of(store);
                if (!_states.Skip(Durable).Contains(recovered))
                {
                    Fail($"recovered {recovered}; the last durable state was {_states[Durable]}, and {_states.Count - 1 - Durable} states followed it");
                    return;
                }

                if (_observed is not null && !_observed.Equals(recovered))
                {
                    Fail($"a second recovery found {recovered}, the first {_observed}");
                    return;
                }

                _observed = recovered;
                RecoveredPastDurable |= !_states[Durable].Equals(recovered);
                DiscardedTail |= store.DiscardedTailBytes > 0;
                if (env.Incarnation < finalIncarnation)
                {
                    return;
                }

                // The recovered store takes writes (after whatever tail it cut off), and they survive a reopen.
                var next = store.LastIndex + 1;
                await store.AppendAsync([NewEntry(env.Random, next, 1000), NewEntry(env.Random, next + 1, 1000)], new HardState(1000, NodeId.None, next), sync: true);
                var expected = LogContents.Of(store);
                await store.DisposeAsync();
                await using var reopened = await SegmentedLogStore.OpenAsync(env.Storage, options);
                if (!LogContents.Of(reopened).Equals(expected))
                {
                    Fail($"after appending to the recovered log and reopening: {LogContents.Of(reopened)}, expected {expected}");
                    return;
                }

                Done = true;
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException)
            {
                Fail($"recovery failed: {e.GetType().Name}: {e.Message}");
            }
        }

        private static ConfigurationState RandomConfiguration(RandomSource random) =>
            ConfigurationState.Create([new NodeId(1), new NodeId(2 + (ulong)random.Next(3))], random.Chance(0.3) ? [new NodeId(9)] : null);

        private void Record(LogContents state) => _states.Add(state);

        private void Fail(string message)
        {
            Failure ??= message;
            Done = true;
        }
    }
}
