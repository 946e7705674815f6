namespace Benchmarks.Etcd;

/// <summary>What one measured window of <see cref="ClosedLoop"/> saw.</summary>
/// <param name="Completed">Operations that completed inside the window.</param>
/// <param name="Window">The window's length.</param>
/// <param name="P50Milliseconds">Median latency of one operation.</param>
/// <param name="P99Milliseconds">99th percentile latency.</param>
/// <param name="Errors">Operations that failed inside the window.</param>
/// <param name="FirstError">The first failure seen (warm-up included), if any.</param>
internal sealed record OpsResult(long Completed, TimeSpan Window, double P50Milliseconds, double P99Milliseconds, long Errors, string? FirstError)
{
    public double PerSecond => Completed / Window.TotalSeconds;
}
