using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Cluster.Core.Tests.Infrastructure;

/// <summary>Creates meters scoped to this factory, so a <c>MetricCollector</c> on it sees only one test's instruments.</summary>
public sealed class TestMeterFactory : IMeterFactory
{
    private readonly ConcurrentQueue<Meter> _meters = new();

    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
        _meters.Enqueue(meter);
        return meter;
    }

    public void Dispose()
    {
        while (_meters.TryDequeue(out var meter))
        {
            meter.Dispose();
        }
    }
}
