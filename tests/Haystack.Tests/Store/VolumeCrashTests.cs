using Cluster.Core;
using Cluster.Simulation;
using Haystack.Tests.Infrastructure;

namespace Haystack.Tests.Store;

/// <summary>
/// A store node writes, overwrites and deletes needles and compacts its volume on a simulated disk,
/// and crashes at a point the seed picks (losing unsynced writes, sometimes tearing the last one).
/// After a restart, every acknowledged write must read back and no acknowledged delete may come back.
/// </summary>
public sealed class VolumeCrashTests
{
    private const uint VolumeId = 7;
    private const int Keys = 40;

    [Test]
    public void Nothing_acknowledged_is_lost_and_nothing_deleted_comes_back_after_a_crash_anywhere() =>
        Seeds.Run(150, seed =>
        {
            var state = new WorkloadState();
            var sim = new Simulator(seed);
            var node = sim.AddNode(new NodeId(1), env => state.Incarnation(env));
            var random = new RandomSource(seed);
            var crashAt = TimeSpan.FromMilliseconds(1 + random.Next(400));
            sim.Run(crashAt);
            node.Crash(tearLastWrite: random.Chance(0.5));
            node.Restart();
            Assert.That(sim.RunUntil(() => state.Verified || state.Failure is not null, TimeSpan.FromSeconds(30)), Is.True, "recovery finished");
            Assert.That(state.Failure, Is.Null, $"crash at {crashAt.TotalMilliseconds} ms after {state.Acknowledged} acknowledged operations");
        });

    /// <summary>Test-side memory of what was acknowledged; it survives the node's crash as a client's would.</summary>
    private sealed class WorkloadState
    {
        // Per key: the acknowledged version (0 = absent or deleted), and an operation in flight at the crash.
        private readonly int[] _acknowledged = new int[Keys];
        private readonly int?[] _inFlight = new int?[Keys];
        private int _started;

        public bool Verified { get; private set; }

        public string? Failure { get; private set; }

        public int Acknowledged { get; private set; }

        public Task Incarnation(NodeEnvironment env) => Interlocked.Increment(ref _started) == 1 ? WorkAsync(env) : VerifyAsync(env);

        private static byte[] Data(int key, int version)
        {
            var bytes = new byte[64 + ((key * 37 + version * 101) % 3000)];
            new RandomSource((ulong)((key * 100_000) + version)).NextBytes(bytes);
            return bytes;
        }

        private async Task WorkAsync(NodeEnvironment env)
        {
            var options = new VolumeOptions { CheckpointIntervalNeedles = 10 };
            var volume = await PhysicalVolume.CreateAsync(env.Storage, VolumeId, options);
            var random = env.Random;
            var version = 0;
            Task? compaction = null;
            for (var step = 0; ; step++)
            {
                var key = random.Next(Keys);
                if (step % 25 == 24 && compaction is null or { IsCompleted: true })
                {
                    // Compaction runs alongside the writes, so crashes land inside it too.
                    compaction = volume.CompactAsync();
                }

                if (random.Chance(0.25))
                {
                    _inFlight[key] = 0;
                    await volume.DeleteAsync((ulong)key, 0);
                    _acknowledged[key] = 0;
                }
                else
                {
                    var next = ++version;
                    _inFlight[key] = next;
                    await volume.WriteAsync((ulong)key, 0, (ulong)next, Data(key, next));
                    _acknowledged[key] = next;
                }

                _inFlight[key] = null;
                Acknowledged++;
            }
        }

        private async Task VerifyAsync(NodeEnvironment env)
        {
            try
            {
                if (!env.Storage.Exists(PhysicalVolume.DataFileName(VolumeId)))
                {
                    // The crash came before the volume's creation was acknowledged.
                    Verified = Acknowledged == 0 || Fail("the volume file vanished after writes were acknowledged");
                    return;
                }

                await using var volume = await PhysicalVolume.OpenAsync(env.Storage, VolumeId);
                for (var key = 0; key < Keys; key++)
                {
                    var allowed = new List<int> { _acknowledged[key] };
                    if (_inFlight[key] is { } pending)
                    {
                        allowed.Add(pending);
                    }

                    var found = await ReadVersionAsync(volume, key, allowed);
                    if (!allowed.Contains(found))
                    {
                        Fail($"key {key}: read version {found}, acknowledged {_acknowledged[key]}, in flight {_inFlight[key]?.ToString() ?? "none"}");
                        return;
                    }
                }

                Verified = true;
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                Fail($"recovery failed: {ex.GetType().Name}: {ex.Message}");
            }
        }

        /// <summary>The version a key reads as (0 when absent), trying the cookies that could be current.</summary>
        private static async Task<int> ReadVersionAsync(PhysicalVolume volume, int key, List<int> candidates)
        {
            foreach (var version in candidates.Where(v => v != 0))
            {
                try
                {
                    var data = await volume.ReadAsync((ulong)key, 0, (ulong)version);
                    return data.Span.SequenceEqual(Data(key, version)) ? version : -1;
                }
                catch (CookieMismatchException)
                {
                }
                catch (NeedleNotFoundException)
                {
                    return 0;
                }
            }

            try
            {
                await volume.ReadAsync((ulong)key, 0, 0);
                return -2;
            }
            catch (NeedleNotFoundException)
            {
                return 0;
            }
            catch (CookieMismatchException)
            {
                return -3;
            }
        }

        private bool Fail(string message)
        {
            Failure ??= message;
            return false;
        }
    }
}
