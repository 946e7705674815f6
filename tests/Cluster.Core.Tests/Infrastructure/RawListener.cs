using System.Net;
using System.Net.Sockets;

namespace Cluster.Core.Tests.Infrastructure;

/// <summary>A bare listening socket that plays a peer a transport dials: it can run the handshake and then misbehave.</summary>
public sealed class RawListener : IDisposable
{
    private readonly Socket _listener;
    private readonly List<Stream> _accepted = [];

    public RawListener()
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
    }

    public int Port { get; }

    /// <summary>Accepts one connection and completes the acceptor's side of the handshake as <paramref name="self"/>, then returns without reading.</summary>
    public async Task<Stream> AcceptWithHandshakeAsync(NodeId self, string clusterId = "test")
    {
        var socket = await _listener.AcceptAsync();
        var stream = new NetworkStream(socket, ownsSocket: true);
        _accepted.Add(stream);
        using var guard = new CancellationTokenSource(Eventually.Guard);
        await Handshake.ServerAsync(stream, new HandshakeSettings(self, clusterId, ReadOnlyMemory<byte>.Empty), guard.Token);
        return stream;
    }

    public void Dispose()
    {
        foreach (var stream in _accepted)
        {
            stream.Dispose();
        }

        _listener.Dispose();
    }
}
