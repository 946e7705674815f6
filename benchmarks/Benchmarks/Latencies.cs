namespace Benchmarks;

/// <summary>Latency figures shared by the closed-loop load drivers of the comparisons.</summary>
internal static class Latencies
{
    /// <summary>The nearest-rank <paramref name="quantile"/> of <paramref name="sorted"/> (ascending), or NaN when it is empty.</summary>
    public static double Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}
