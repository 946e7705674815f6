using System.Diagnostics.Metrics;

namespace Cluster.Core;

/// <summary>The instruments of the <c>Cluster.Core.Transport</c> meter.</summary>
internal sealed class TransportMetrics : IDisposable
{
    public const string MeterName = "Cluster.Core.Transport";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public TransportMetrics(IMeterFactory? meterFactory)
    {
        // A meter from a factory belongs to the factory (it disposes it); one we create ourselves is ours to dispose.
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);
        ConnectionsActive = _meter.CreateUpDownCounter<long>("cluster.transport.connections.active", "{connection}", "Open connections that completed the handshake, by direction.");
        FramesSent = _meter.CreateCounter<long>("cluster.transport.frames.sent", "{frame}", "Frames written to sockets.");
        FramesReceived = _meter.CreateCounter<long>("cluster.transport.frames.received", "{frame}", "Frames read from sockets and handed to the receiver.");
        BytesSent = _meter.CreateCounter<long>("cluster.transport.bytes.sent", "By", "Frame bytes written to sockets.");
        BytesReceived = _meter.CreateCounter<long>("cluster.transport.bytes.received", "By", "Frame bytes read from sockets.");
        FramesDropped = _meter.CreateCounter<long>("cluster.transport.frames.dropped", "{frame}", "Envelopes refused by TrySend, by reason.");
        Errors = _meter.CreateCounter<long>("cluster.transport.errors", "{error}", "Connections refused or closed because of an error, by reason.");
        Reconnects = _meter.CreateCounter<long>("cluster.transport.reconnects", "{connection}", "Outbound connections re-established after an earlier one to the same peer.");
    }

    public UpDownCounter<long> ConnectionsActive { get; }

    public Counter<long> FramesSent { get; }

    public Counter<long> FramesReceived { get; }

    public Counter<long> BytesSent { get; }

    public Counter<long> BytesReceived { get; }

    public Counter<long> FramesDropped { get; }

    public Counter<long> Errors { get; }

    public Counter<long> Reconnects { get; }

    public void Error(string reason) => Errors.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Dropped(string reason) => FramesDropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Connection(int delta, bool outbound) =>
        ConnectionsActive.Add(delta, new KeyValuePair<string, object?>("direction", outbound ? "outbound" : "inbound"));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
