using System.Diagnostics;

namespace Benchmarks.Raft;

/// <summary>
/// Closed-loop load: a fixed number of proposers each replicate one command, wait for it to commit, and replicate the next.
/// Only commands that complete inside the measured window count, with their latencies.
/// </summary>
internal static class ProposerLoad
{
    /// <summary>Runs the load on <paramref name="cluster"/>; <paramref name="onWindow"/> is told when the measured window opens and closes.</summary>
    public static async Task<LoadResult> RunAsync(
        IBenchmarkCluster cluster,
        ReadOnlyMemory<byte> command,
        int proposers,
        TimeSpan warmup,
        TimeSpan window,
        Action<bool>? onWindow = null)
    {
        var measuring = 0;
        var stopping = 0;
        var errors = 0L;
        var latencies = new List<double>[proposers];
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, proposers).Select(p => Task.Run(async () =>
        {
            var samples = latencies[p] = new List<double>(64 * 1024);
            while (Volatile.Read(ref stopping) == 0)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await cluster.ProposeAsync(command, stop.Token);
                }
                catch (Exception) when (Volatile.Read(ref stopping) == 0)
                {
                    // Leadership moved or a proposal was refused: find the leader again and go on; the count shows it.
                    Interlocked.Increment(ref errors);
                    await cluster.WaitForLeaderAsync(stop.Token);
                    continue;
                }
                catch (Exception)
                {
                    break;
                }

                if (Volatile.Read(ref measuring) == 1)
                {
                    samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        })).ToArray();

        await Task.Delay(warmup);
        var errorsBefore = Interlocked.Read(ref errors);
        onWindow?.Invoke(true);
        Volatile.Write(ref measuring, 1);
        var opened = Stopwatch.GetTimestamp();
        await Task.Delay(window);
        Volatile.Write(ref measuring, 0);
        var elapsed = Stopwatch.GetElapsedTime(opened);
        var committed = latencies.Sum(l => (long)l.Count);
        onWindow?.Invoke(false);
        Volatile.Write(ref stopping, 1);

        // Give in-flight proposals a moment to finish, then cancel the rest so the cluster can be stopped.
        var all = Task.WhenAll(workers);
        if (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(5))) != all)
        {
            await stop.CancelAsync();
        }

        await all;
        var sorted = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(committed, elapsed, Latencies.Percentile(sorted, 0.50), Latencies.Percentile(sorted, 0.99), Interlocked.Read(ref errors) - errorsBefore);
    }
}
