using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Cluster.Core;

/// <summary>The dialing side: one writer loop per peer that connects, drains the queue and redials.</summary>
public sealed partial class TcpTransport
{
    private void StartLink(PeerLink link) => Track(RunLinkAsync(link));

    private async Task RunLinkAsync(PeerLink link)
    {
        var token = _shutdown.Token;
        var failures = 0;
        try
        {
            // Dial lazily: only when something is waiting to be sent.
            while (await link.Queue.Reader.WaitToReadAsync(token))
            {
                var address = link.Address;
                TcpConnection connection;
                try
                {
                    connection = await DialAsync(address, token);
                }
                catch (Exception ex) when (!token.IsCancellationRequested && IsConnectionFailure(ex))
                {
                    var delay = NextReconnectDelay(failures++);
                    var reason = ReasonOf(ex, "connect");
                    _metrics.Error(reason);
                    Log.DialFailed(_logger, address.Id, address.ToString(), reason, ex.Message, delay);
                    await Task.Delay(delay, _time, token);
                    continue;
                }

                if (link.EverConnected)
                {
                    _metrics.Reconnects.Add(1);
                }

                link.EverConnected = true;
                Log.Connected(_logger, address.Id, address.ToString());
                var delivered = await RunOutboundAsync(link, connection, token);

                // A connection that carried data resets the backoff; one that died at once counts as a
                // failure, so a peer that accepts and drops us is not redialed in a tight loop.
                failures = delivered ? 0 : failures + 1;
                await Task.Delay(NextReconnectDelay(failures), _time, token);
            }
        }
        catch (Exception) when (token.IsCancellationRequested)
        {
            // Shutdown: whatever the interrupted dial or connection threw (a cancellation, a TLS or
            // handshake failure on an aborted socket) is the shutdown's doing, not an error to report.
        }
    }

    /// <returns>Whether at least one batch reached the socket.</returns>
    private async Task<bool> RunOutboundAsync(PeerLink link, TcpConnection connection, CancellationToken token)
    {
        var delivered = false;
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(token);
        link.SetCurrentConnection(cut);
        _connections[connection] = 0;
        _metrics.Connection(1, outbound: true);
        var watcher = WatchOutboundAsync(connection, cut);
        var detail = "closed";
        try
        {
            var reader = link.Queue.Reader;
            var output = connection.Output;
            var maxBatch = _options.MaxWriteBatchBytes;
            while (await reader.WaitToReadAsync(cut.Token))
            {
                long frames = 0, bytes = 0;
                while (output.UnflushedBytes < maxBatch && reader.TryRead(out var envelope))
                {
                    try
                    {
                        bytes += _codec.WriteFrame(output, envelope);
                        frames++;
                    }
                    catch (Exception ex) when (ex is FrameFormatException or ArgumentException or MessagePack.MessagePackSerializationException)
                    {
                        // The codec serializes before writing, so a failed envelope leaves nothing behind.
                        _metrics.Error("encode");
                        Log.EncodeFailed(_logger, ex, connection.Peer, envelope.Body?.GetType().Name ?? "null");
                    }
                }

                var flush = await output.FlushAsync(cut.Token);
                if (frames > 0)
                {
                    _metrics.FramesSent.Add(frames);
                    _metrics.BytesSent.Add(bytes);
                    delivered = true;
                }

                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cut.IsCancellationRequested)
        {
            detail = token.IsCancellationRequested ? "shutdown" : "cut (peer closed it or its address changed)";
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            detail = ex.Message;
            _metrics.Error(ex is IOException or SocketException ? "io" : "unexpected");
        }
        finally
        {
            link.SetCurrentConnection(null);
            await cut.CancelAsync();
            _connections.TryRemove(connection, out _);
            await connection.DisposeAsync();
            await watcher;
            _metrics.Connection(-1, outbound: true);
        }

        Log.ConnectionEnded(_logger, connection.Peer, "outbound", detail);
        return delivered;
    }

    /// <summary>
    /// Reads the outbound connection only to notice when the peer closes it (nothing is ever sent on it
    /// towards us), so an idle link is redialed before the next send instead of failing on it.
    /// </summary>
    private async Task WatchOutboundAsync(TcpConnection connection, CancellationTokenSource cut)
    {
        try
        {
            var result = await connection.Input.ReadAsync(cut.Token);
            if (!result.Buffer.IsEmpty)
            {
                _metrics.Error("frame");
                Log.ConnectionFailed(_logger, connection.Peer, "frame", "The peer sent data on a connection that only carries frames towards it.");
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException || IsConnectionFailure(ex))
        {
            // Cut, shut down, or the socket broke: either way the connection is over.
        }
        finally
        {
            try
            {
                await cut.CancelAsync();
            }
            catch (ObjectDisposedException)
            {
                // Already disposed by the writer, which has finished.
            }
        }
    }

    private async Task<TcpConnection> DialAsync(NodeAddress address, CancellationToken token)
    {
        var endPoint = new IPEndPoint(await ResolveAsync(address.Host, token), address.Port);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using (var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(token, timeout.Token))
            {
                try
                {
                    await socket.ConnectAsync(endPoint, linked.Token);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !token.IsCancellationRequested)
                {
                    throw new TimeoutException($"Connecting to {address} took longer than {_options.ConnectTimeout} (TcpTransportOptions.ConnectTimeout).");
                }
            }

            return await EstablishAsync(socket, address, token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whatever goes wrong on one connection (socket errors, TLS, a misbehaving peer, even an unexpected
    /// exception from a layer below) ends that connection only; a broken invariant still fails fast.
    /// </summary>
    private static bool IsConnectionFailure(Exception ex) =>
        ex is not (InvariantViolationException or OutOfMemoryException);

    private static string ReasonOf(Exception ex, string fallback) => ex switch
    {
        HandshakeException handshake => handshake.Reason,
        AuthenticationException => "tls",
        TimeoutException => "connect.timeout",
        _ => fallback,
    };
}
