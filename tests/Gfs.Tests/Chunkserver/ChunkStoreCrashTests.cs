using Cluster.Core;
using Cluster.Simulation;

namespace Gfs.Tests.Chunkserver;

/// <summary>
/// Two workers create, write, overwrite, append, pad, re-version and delete chunks on a simulated disk, and the node crashes at a
/// point the seed picks (losing unsynced writes, sometimes tearing the last), sometimes again during recovery. After recovery
/// every chunk must be exactly in its last acknowledged state or, for a chunk with an operation in flight at the crash, in the
/// state that operation would have made: nothing acknowledged lost, nothing half applied, no chunk falsely corrupt.
/// </summary>
public sealed class ChunkStoreCrashTests
{
    private const int Block = ChunkStore.BlockSize;

    [Test]
    public void Acknowledged_data_and_versions_survive_a_crash_anywhere_and_no_chunk_turns_corrupt()
    {
        int runs = 0, operations = 0, landed = 0, lost = 0, doubleCrashes = 0, tornTails = 0, redos = 0, cuts = 0, rewrites = 0;
        SimulationSeeds.Run(ChunkDisk.Project, TestContext.CurrentContext.Test.FullName, 120, seed =>
        {
            var random = new RandomSource(seed);
            var options = new ChunkStoreOptions
            {
                ChunkSizeBytes = ((3 + random.Next(4)) * Block) + (random.Chance(0.5) ? 0 : random.Next(Block)),
                JournalCompactionBytes = random.Chance(0.5) ? 1 : 4096,
            };
            var crashTwice = random.Chance(0.3);
            var workload = new Workload(options, finalIncarnation: crashTwice ? 3 : 2);
            var sim = new Simulator(seed);
            var node = sim.AddNode(new NodeId(1), workload.IncarnationAsync);
            var crashAt = TimeSpan.FromMilliseconds(1 + random.Next(300));
            sim.Run(crashAt);
            node.Crash(tearLastWrite: random.Chance(0.5));
            node.Restart();
            if (crashTwice)
            {
                // The first recovery may be cutting a torn tail, writing a redo record's data again, or deleting leftovers.
                sim.RunFor(TimeSpan.FromMicroseconds(random.Next(1500)));
                node.Crash(tearLastWrite: random.Chance(0.5));
                node.Restart();
            }

            Assert.That(sim.RunUntil(() => workload.Done || workload.Failure is not null, TimeSpan.FromSeconds(60)), Is.True, "recovery and checks finished");
            Assert.That(workload.Failure, Is.Null, $"crash at {crashAt.TotalMilliseconds} ms after {workload.Acknowledged} acknowledged operations");
            runs++;
            operations += workload.Acknowledged;
            landed += workload.InFlightLanded;
            lost += workload.InFlightLost;
            doubleCrashes += crashTwice ? 1 : 0;
            tornTails += workload.Events[4002] > 0 ? 1 : 0;
            redos += workload.Events[4003] > 0 ? 1 : 0;
            cuts += workload.Events[4004] > 0 ? 1 : 0;
            rewrites += workload.Rewrites;
        });
        TestContext.Out.WriteLine(
            $"{runs} runs, {operations} acknowledged operations; operations in flight at the crash landed in {landed} cases and vanished in {lost}; " +
            $"recovery cut a torn journal tail in {tornTails} runs, wrote redo data again in {redos}, cut unacknowledged data in {cuts}; " +
            $"{rewrites} journal rewrites; {doubleCrashes} runs crashed again during recovery");
        if (runs >= 100)
        {
            Assert.That(new[] { tornTails, redos, cuts, landed, lost }, Is.All.Positive, "the seeds reach every recovery path");
        }
    }

    /// <summary>One chunk as the workers know it: whether it exists, its version and its bytes.</summary>
    private sealed record ChunkState(bool Exists, ulong Version, byte[] Content)
    {
        public static readonly ChunkState Absent = new(false, 0, []);

        public bool SameAs(ChunkState other) => Exists == other.Exists && (!Exists || (Version == other.Version && Content.AsSpan().SequenceEqual(other.Content)));

        public override string ToString() => Exists ? $"version {Version}, {Content.Length} bytes" : "absent";
    }

    /// <summary>The test's memory of acknowledged states; it outlives the node's crashes as a client's memory would.</summary>
    private sealed class Workload(ChunkStoreOptions options, int finalIncarnation)
    {
        private const int Workers = 2;
        private const int HandlesPerWorker = 3;
        private const int MaxSteps = 400;

        private readonly ChunkState[] _acknowledged = Enumerable.Repeat(ChunkState.Absent, Workers * HandlesPerWorker).ToArray();
        private readonly ChunkState?[] _inFlight = new ChunkState?[Workers * HandlesPerWorker];
        private CountingStorage? _workStorage;

        public EventCounter Events { get; } = new();

        public bool Done { get; private set; }

        public string? Failure { get; private set; }

        public int Acknowledged { get; private set; }

        public int InFlightLanded { get; private set; }

        public int InFlightLost { get; private set; }

        /// <summary>Journal rewrites (renames) before the crash.</summary>
        public int Rewrites => _workStorage?.Renames ?? 0;

        public async Task IncarnationAsync(NodeEnvironment env)
        {
            if (env.Incarnation == 1)
            {
                _workStorage = new CountingStorage(env.Storage);
                var store = await ChunkStore.OpenAsync(_workStorage, options, Events);
                _ = Task.WhenAll(Enumerable.Range(0, Workers).Select(w => WorkAsync(store, w, env.Random.Fork())));
            }
            else if (env.Incarnation < finalIncarnation)
            {
                // Recovery only; the test crashes the node again at a time of its choosing.
                await ChunkStore.OpenAsync(env.Storage, options, Events);
            }
            else
            {
                await VerifyAsync(env);
            }
        }

        private static ulong HandleOf(int index) => 0x1000 + (ulong)index;

        private async Task WorkAsync(ChunkStore store, int worker, RandomSource random)
        {
            try
            {
                for (var step = 0; step < MaxSteps && Failure is null; step++)
                {
                    var index = (worker * HandlesPerWorker) + random.Next(HandlesPerWorker);
                    await StepAsync(store, index, random);
                }
            }
            catch (Exception ex) when (ex is not ObjectDisposedException)
            {
                Failure ??= $"worker {worker}: {ex.GetType().Name}: {ex.Message}";
            }
        }

        private async Task StepAsync(ChunkStore store, int index, RandomSource random)
        {
            var handle = HandleOf(index);
            var current = _acknowledged[index];
            if (!current.Exists)
            {
                var version = 1 + (ulong)random.Next(5);
                await RunAsync(index, new ChunkState(true, version, []), () => store.CreateAsync(handle, version));
                return;
            }

            var length = current.Content.Length;
            var room = (int)(options.ChunkSizeBytes - length);
            var roll = random.Next(100);
            if (roll < 30)
            {
                // A write anywhere up to the end, sometimes leaving a gap past it; a third of them overwrite more than a block.
                var offset = random.Chance(0.2) && room > 0 ? length + random.Next(Math.Min(room, 70_000)) : random.Next(length + 1);
                var maxBytes = (int)Math.Min(options.ChunkSizeBytes - offset, random.Chance(0.3) ? 3 * Block : 20_000);
                if (maxBytes <= 0)
                {
                    return;
                }

                var data = NewData(random, 1 + random.Next(maxBytes));
                await RunAsync(index, current with { Content = Written(current.Content, offset, data) }, () => store.WriteAsync(handle, offset, data));
            }
            else if (roll < 55)
            {
                var data = NewData(random, 1 + random.Next(random.Chance(0.2) ? 2 * Block : 9_000));
                if (data.Length > room)
                {
                    var full = await Expect.ThrowsAsync<ChunkFullException>(() => store.AppendAsync(handle, data));
                    Check(full.Length == length, $"chunk {handle:x}: ChunkFullException reports length {full.Length}, not {length}");
                    return;
                }

                await RunAsync(index, current with { Content = Written(current.Content, length, data) }, async () =>
                {
                    var offset = await store.AppendAsync(handle, data);
                    Check(offset == length, $"chunk {handle:x}: append at {offset}, expected {length}");
                });
            }
            else if (roll < 63 && room > 0)
            {
                var target = length + 1 + random.Next(Math.Min(room, 100_000));
                await RunAsync(index, current with { Content = Written(current.Content, target, []) }, () => store.PadToAsync(handle, target));
            }
            else if (roll < 73)
            {
                var version = current.Version + (ulong)random.Next(3);
                await RunAsync(index, current with { Version = version }, () => store.SetVersionAsync(handle, version));
            }
            else if (roll < 78)
            {
                await RunAsync(index, ChunkState.Absent, () => store.DeleteAsync(handle));
            }
            else
            {
                await CheckReadsAsync(store, handle, current, random);
            }
        }

        /// <summary>Records the state an operation would make as in flight, runs it, and on success makes it the acknowledged state.</summary>
        private async Task RunAsync(int index, ChunkState next, Func<Task> operation)
        {
            _inFlight[index] = next;
            await operation();
            _acknowledged[index] = next;
            _inFlight[index] = null;
            Acknowledged++;
        }

        private async Task VerifyAsync(NodeEnvironment env)
        {
            try
            {
                var store = await ChunkStore.OpenAsync(env.Storage, options, Events);
                var listed = store.List().Select(c => c.Handle).ToHashSet();
                for (var index = 0; index < _acknowledged.Length; index++)
                {
                    var handle = HandleOf(index);
                    listed.Remove(handle);
                    var found = await ReadStateAsync(store, handle);
                    if (found.SameAs(_acknowledged[index]))
                    {
                        InFlightLost += _inFlight[index] is not null && !found.SameAs(_inFlight[index]!) ? 1 : 0;
                        continue;
                    }

                    if (_inFlight[index] is { } pending && found.SameAs(pending))
                    {
                        InFlightLanded++;
                        _acknowledged[index] = pending;
                        continue;
                    }

                    Fail($"chunk {handle:x}: recovered {found}; acknowledged {_acknowledged[index]}, in flight {_inFlight[index]?.ToString() ?? "nothing"}");
                    return;
                }

                Check(listed.Count == 0, $"chunks nobody created: {string.Join(", ", listed)}");
                Check(!env.Storage.List().Any(n => n.EndsWith(".tmp", StringComparison.Ordinal)), "a leftover journal rewrite");

                // The recovered store takes writes, and they survive a clean reopen.
                var random = env.Random;
                for (var step = 0; step < 30 && Failure is null; step++)
                {
                    await StepAsync(store, random.Next(_acknowledged.Length), random);
                }

                await store.DisposeAsync();
                var reopened = await ChunkStore.OpenAsync(env.Storage, options, Events);
                for (var index = 0; index < _acknowledged.Length && Failure is null; index++)
                {
                    var found = await ReadStateAsync(reopened, HandleOf(index));
                    Check(found.SameAs(_acknowledged[index]), $"after reopening, chunk {HandleOf(index):x} is {found}, not {_acknowledged[index]}");
                }

                Done = Failure is null;
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or ChunkNotFoundException)
            {
                Fail($"recovery or checks failed: {ex.GetType().Name}: {ex.Message}");
            }
        }

        private async Task<ChunkState> ReadStateAsync(ChunkStore store, ulong handle)
        {
            if (!store.TryGetInfo(handle, out var info))
            {
                return ChunkState.Absent;
            }

            if (info.IsCorrupt)
            {
                Fail($"chunk {handle:x} is marked corrupt after recovery");
                return ChunkState.Absent;
            }

            var content = await store.ReadAllAsync(handle);
            Check(content.Length == info.Length, $"chunk {handle:x}: ReadAll gave {content.Length} bytes, the info says {info.Length}");
            Check(await store.VerifyAsync(handle) == -1, $"chunk {handle:x}: the scrub found a bad block");
            return new ChunkState(true, info.Version, content);
        }

        private async Task CheckReadsAsync(ChunkStore store, ulong handle, ChunkState current, RandomSource random)
        {
            var offset = random.Next(current.Content.Length + 10);
            var buffer = new byte[1 + random.Next(2 * Block)];
            var read = await store.ReadAsync(handle, offset, buffer);
            var expected = Math.Max(0, Math.Min(buffer.Length, current.Content.Length - offset));
            Check(read == expected, $"chunk {handle:x}: read {read} bytes at {offset}, expected {expected}");
            Check(buffer.AsSpan(0, read).SequenceEqual(current.Content.AsSpan(Math.Min(offset, current.Content.Length), read)), $"chunk {handle:x}: wrong bytes read at {offset}");
        }

        private static byte[] NewData(RandomSource random, int bytes)
        {
            var data = new byte[bytes];
            random.NextBytes(data);
            return data;
        }

        private static byte[] Written(byte[] content, long offset, byte[] data)
        {
            var result = new byte[Math.Max(content.Length, offset + data.Length)];
            content.CopyTo(result, 0);
            data.CopyTo(result, offset);
            return result;
        }

        private void Check(bool condition, string message)
        {
            if (!condition)
            {
                Fail(message);
            }
        }

        private bool Fail(string message)
        {
            Failure ??= message;
            return false;
        }
    }
}
