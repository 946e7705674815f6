using System.Net;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Cluster.Core.Tests.Infrastructure;

/// <summary>A TCP transport on 127.0.0.1 with captured logs and metrics, optionally with a message bus on top.</summary>
public sealed class TcpTestNode : IAsyncDisposable
{
    private TcpTestNode(TcpTransport transport, MessageBus? bus, CapturingLoggerFactory logs, TestMeterFactory meters, MetricCollector<long> errors)
    {
        Transport = transport;
        BusOrNull = bus;
        Logs = logs;
        Meters = meters;
        Errors = errors;
    }

    public TcpTransport Transport { get; }

    public MessageBus Bus => BusOrNull ?? throw new InvalidOperationException("This node was started without a bus.");

    public MessageBus? BusOrNull { get; }

    public CapturingLoggerFactory Logs { get; }

    public TestMeterFactory Meters { get; }

    public MetricCollector<long> Errors { get; }

    public NodeId Id => Transport.LocalNode;

    public NodeAddress Address => Transport.BoundAddress;

    public IPEndPoint EndPoint => Transport.BoundEndPoint!;

    public static async Task<TcpTestNode> StartAsync(ulong id, NodeSettings? settings = null)
    {
        settings ??= new NodeSettings();
        var logs = new CapturingLoggerFactory();
        var meters = new TestMeterFactory();
        var errors = new MetricCollector<long>(meters, "Cluster.Core.Transport", "cluster.transport.errors");
        var options = new TcpTransportOptions
        {
            LocalAddress = new NodeAddress(new NodeId(id), "127.0.0.1", settings.Port),
            ClusterId = settings.ClusterId,
            Codec = TestMessages.Codec(settings.MaxFrameBytes),
            ClusterSecret = settings.Secret ?? ReadOnlyMemory<byte>.Empty,
            Tls = settings.Tls,
            HandshakeTimeout = settings.HandshakeTimeout,
            MaxQueuedFramesPerPeer = settings.MaxQueuedFramesPerPeer,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(20),
            ReconnectMaxDelay = settings.ReconnectMaxDelay,
        };
        var transport = new TcpTransport(options, TimeProvider.System, new RandomSource(id), logs, meters);
        var bus = settings.WithBus ? new MessageBus(transport, TimeProvider.System, loggerFactory: logs) : null;
        if (bus is not null)
        {
            settings.ConfigureBus?.Invoke(bus);
        }

        await transport.StartAsync();
        return new TcpTestNode(transport, bus, logs, meters, errors);
    }

    /// <summary>Lets every node send to every other one.</summary>
    public static void Connect(params TcpTestNode[] nodes)
    {
        foreach (var from in nodes)
        {
            foreach (var to in nodes)
            {
                if (from != to)
                {
                    from.Transport.AddOrUpdatePeer(to.Address);
                }
            }
        }
    }

    /// <summary>How many errors with this reason the transport counted.</summary>
    public long ErrorCount(string reason) =>
        Errors.GetMeasurementSnapshot().Where(m => m.Tags.TryGetValue("reason", out var tag) && (string?)tag == reason).Sum(m => m.Value);

    public Task WaitForErrorAsync(string reason) =>
        Eventually.TrueAsync(() => ErrorCount(reason) > 0, $"an error '{reason}' on {Id}; log:\n{Logs.Dump()}");

    public async ValueTask DisposeAsync()
    {
        if (BusOrNull is { } bus)
        {
            await bus.DisposeAsync();
        }

        await Transport.DisposeAsync();

        // Shown by the test runner next to a failure; the log usually says why.
        await TestContext.Out.WriteLineAsync($"--- log of {Id} ---\n{Logs.Dump()}");
        Errors.Dispose();
        Meters.Dispose();
        Logs.Dispose();
    }
}
