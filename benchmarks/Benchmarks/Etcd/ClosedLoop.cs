using System.Diagnostics;

namespace Benchmarks.Etcd;

/// <summary>
/// Closed-loop load: each client runs one operation, waits for its answer, and runs the next. Only operations that complete
/// inside the measured window count, with their latencies; failures are counted and the client goes on after a short pause.
/// </summary>
internal static class ClosedLoop
{
    /// <summary>Runs <paramref name="operation"/> for every client; <paramref name="onWindow"/> is told when the window opens and closes.</summary>
    public static async Task<OpsResult> RunAsync(int clients, Func<int, CancellationToken, Task> operation, TimeSpan warmup, TimeSpan window, Action<bool>? onWindow = null)
    {
        var measuring = 0;
        var stopping = 0;
        var errors = 0L;
        var firstError = (string?)null;
        var latencies = new List<double>[clients];
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var samples = latencies[c] = new List<double>(16 * 1024);
            while (Volatile.Read(ref stopping) == 0)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await operation(c, stop.Token);
                }
                catch (Exception exception) when (Volatile.Read(ref stopping) == 0)
                {
                    if (Volatile.Read(ref measuring) == 1)
                    {
                        Interlocked.Increment(ref errors);
                    }

                    Interlocked.CompareExchange(ref firstError, $"{exception.GetType().Name}: {exception.Message}", null);
                    await Task.Delay(10);
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
        onWindow?.Invoke(true);
        Volatile.Write(ref measuring, 1);
        var opened = Stopwatch.GetTimestamp();
        await Task.Delay(window);
        Volatile.Write(ref measuring, 0);
        var elapsed = Stopwatch.GetElapsedTime(opened);
        var completed = latencies.Sum(l => (long)l.Count);
        onWindow?.Invoke(false);
        Volatile.Write(ref stopping, 1);

        // Let operations in flight finish (a cancelled lock call could leave a lock held), then cancel what is left.
        var all = Task.WhenAll(workers);
        if (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(10))) != all)
        {
            await stop.CancelAsync();
        }

        await all;
        var sorted = latencies.SelectMany(l => l).Order().ToArray();
        return new OpsResult(completed, elapsed, Latencies.Percentile(sorted, 0.50), Latencies.Percentile(sorted, 0.99), Interlocked.Read(ref errors), firstError);
    }
}
