namespace Benchmarks.Raft;

/// <summary>What one measured window of <see cref="ProposerLoad"/> saw.</summary>
/// <param name="Committed">Commands that completed inside the window.</param>
/// <param name="Window">The window's length.</param>
/// <param name="P50Milliseconds">Median latency from proposing to completion.</param>
/// <param name="P99Milliseconds">99th percentile latency.</param>
/// <param name="Errors">Proposals that failed inside the window (leadership changes, refusals).</param>
internal readonly record struct LoadResult(long Committed, TimeSpan Window, double P50Milliseconds, double P99Milliseconds, long Errors)
{
    public double CommandsPerSecond => Committed / Window.TotalSeconds;
}
