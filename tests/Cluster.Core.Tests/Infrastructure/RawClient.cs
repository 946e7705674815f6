using System.Net;
using System.Net.Sockets;

namespace Cluster.Core.Tests.Infrastructure;

/// <summary>A bare socket that dials a transport and sends whatever a test wants, well-formed or not.</summary>
public sealed class RawClient : IAsyncDisposable
{
    private RawClient(Socket socket)
    {
        Socket = socket;
        Stream = new NetworkStream(socket, ownsSocket: true);
    }

    public Socket Socket { get; }

    public NetworkStream Stream { get; }

    public static async Task<RawClient> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint);
        return new RawClient(socket);
    }

    /// <summary>Runs a correct dialer handshake as node <paramref name="self"/>.</summary>
    public async Task HandshakeAsync(NodeId self, NodeId server, string clusterId = "test", byte[]? secret = null)
    {
        var settings = new HandshakeSettings(self, clusterId, secret ?? ReadOnlyMemory<byte>.Empty);
        using var guard = new CancellationTokenSource(Eventually.Guard);
        await Handshake.ClientAsync(Stream, settings, server, guard.Token);
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        await Stream.WriteAsync(bytes);
        await Stream.FlushAsync();
    }

    /// <summary>Reads (and discards) until the other side closes the connection; fails the test if it never does.</summary>
    public Task WaitForCloseAsync() => Eventually.WithinGuard(DrainAsync(), "the transport to close the connection");

    /// <summary>Reads until the other side closes the connection (or resets it) and returns every byte that arrived.</summary>
    public async Task<byte[]> ReadAvailableUntilCloseAsync()
    {
        var all = new List<byte>();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await Stream.ReadAsync(buffer)) > 0)
            {
                all.AddRange(buffer.AsSpan(0, read));
            }
        }
        catch (IOException)
        {
            // A reset also means closed.
        }

        return [.. all];
    }

    public async ValueTask DisposeAsync() => await Stream.DisposeAsync();

    private async Task DrainAsync() => await ReadAvailableUntilCloseAsync();
}
