using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace Benchmarks.Raft;

/// <summary>
/// Samples what the process allocates by type, from the runtime's own allocation ticks (one event about every 100 KB
/// allocated, naming the type that crossed the threshold), while <see cref="Sampling"/> is on.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new();

    public bool Sampling { get; set; }

    /// <summary>The types that took the largest shares of the sampled bytes, as "share% type" strings.</summary>
    public string[] Top(int count)
    {
        var total = Math.Max(1, _bytes.Values.Sum());
        return [.. _bytes.OrderByDescending(kv => kv.Value).Take(count)
            .Select(kv => string.Create(CultureInfo.InvariantCulture, $"{100.0 * kv.Value / total:0.0}% {kv.Key}"))];
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!Sampling || eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true
            || eventData.Payload is not { } payload || eventData.PayloadNames is not { } names)
        {
            return;
        }

        var type = names.IndexOf("TypeName") is var t and >= 0 ? payload[t] as string ?? "?" : "?";
        var amount = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(payload[a], CultureInfo.InvariantCulture) : 0;
        _bytes.AddOrUpdate(type, amount, (_, total) => total + amount);
    }
}
