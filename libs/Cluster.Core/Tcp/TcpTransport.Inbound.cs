using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Cluster.Core;

/// <summary>The accepting side: the listener, the handshake of accepted sockets and their read loops.</summary>
public sealed partial class TcpTransport
{
    private async Task AcceptLoopAsync(Socket listener)
    {
        var token = _shutdown.Token;
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(token);
            }
            catch (Exception ex) when (token.IsCancellationRequested && ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // A connection that died in the accept queue; the listener itself is fine.
                _metrics.Error("accept");
                Log.AcceptFailed(_logger, ex);
                continue;
            }

            if (Interlocked.Increment(ref _inboundConnections) > _options.MaxInboundConnections)
            {
                Interlocked.Decrement(ref _inboundConnections);
                _metrics.Error("inbound_limit");
                Log.InboundLimit(_logger, socket.RemoteEndPoint, _options.MaxInboundConnections);
                socket.Dispose();
                continue;
            }

            Track(HandleInboundAsync(socket));
        }
    }

    private async Task HandleInboundAsync(Socket socket)
    {
        var token = _shutdown.Token;
        var remote = socket.RemoteEndPoint;
        try
        {
            socket.NoDelay = true;
            TcpConnection connection;
            try
            {
                connection = await EstablishAsync(socket, dialed: null, token);
            }
            catch (Exception ex) when (!token.IsCancellationRequested && IsConnectionFailure(ex))
            {
                var reason = ReasonOf(ex, "handshake.io");
                _metrics.Error(reason);
                Log.InboundRefused(_logger, remote, reason, ex.Message);
                socket.Dispose();
                return;
            }

            Log.Accepted(_logger, connection.Peer, remote);
            await ReceiveAsync(connection, token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            socket.Dispose();
        }
        finally
        {
            Interlocked.Decrement(ref _inboundConnections);
        }
    }

    private async Task ReceiveAsync(TcpConnection connection, CancellationToken token)
    {
        _connections[connection] = 0;
        _metrics.Connection(1, outbound: false);
        var detail = "closed by the peer";
        try
        {
            await ReadFramesAsync(connection, token);
        }
        catch (FrameFormatException ex)
        {
            detail = ex.Message;
            _metrics.Error("frame");
            Log.ConnectionFailed(_logger, connection.Peer, "frame", ex.Message);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            detail = "shutdown";
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            detail = ex.Message;
            _metrics.Error("io");
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            await connection.DisposeAsync();
            _metrics.Connection(-1, outbound: false);
        }

        Log.ConnectionEnded(_logger, connection.Peer, "inbound", detail);
    }

    private async Task ReadFramesAsync(TcpConnection connection, CancellationToken token)
    {
        var input = connection.Input;
        var peer = connection.Peer;
        while (true)
        {
            var result = await input.ReadAsync(token);
            var buffer = result.Buffer;
            var before = buffer.Length;
            long frames = 0;
            try
            {
                while (_codec.TryReadFrame(ref buffer, out var envelope))
                {
                    frames++;
                    Deliver(peer, envelope);
                }
            }
            finally
            {
                // Examined to the end: the reader then waits for more bytes instead of spinning on a partial frame.
                input.AdvanceTo(buffer.Start, buffer.End);
                if (frames > 0)
                {
                    _metrics.FramesReceived.Add(frames);
                    _metrics.BytesReceived.Add(before - buffer.Length);
                }
            }

            if (result.IsCompleted)
            {
                if (!buffer.IsEmpty)
                {
                    throw new FrameFormatException($"The connection closed in the middle of a frame ({buffer.Length} bytes of it arrived).");
                }

                return;
            }

            if (result.IsCanceled)
            {
                return;
            }
        }
    }

    private void Deliver(NodeId peer, Envelope envelope)
    {
        var receiver = Volatile.Read(ref _receiver);
        if (receiver is null)
        {
            return;
        }

        try
        {
            receiver(peer, envelope);
        }
        catch (Exception ex) when (ex is not InvariantViolationException)
        {
            // One bad envelope must not cost the connection everything queued behind it.
            _metrics.Error("receiver");
            Log.ReceiverFailed(_logger, ex, peer);
        }
    }

    /// <summary>Runs TLS (when configured) and the cluster handshake on a fresh socket, under <see cref="TcpTransportOptions.HandshakeTimeout"/>.</summary>
    /// <param name="socket">The connected socket; owned by the result, or disposed on failure.</param>
    /// <param name="dialed">The peer dialed, or null on the accepting side.</param>
    /// <param name="token">Cancelled at shutdown.</param>
    private async Task<TcpConnection> EstablishAsync(Socket socket, NodeAddress? dialed, CancellationToken token)
    {
        using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, timeout.Token);
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            if (_options.Tls is { } tls)
            {
                stream = await AuthenticateAsync(stream, tls, dialed, linked.Token);
            }

            NodeId peer;
            if (dialed is not null)
            {
                await Handshake.ClientAsync(stream, _handshake, dialed.Id, linked.Token);
                peer = dialed.Id;
            }
            else
            {
                peer = await Handshake.ServerAsync(stream, _handshake, linked.Token);
            }

            return new TcpConnection(stream, peer, outbound: dialed is not null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !token.IsCancellationRequested)
        {
            await stream.DisposeAsync();
            throw new HandshakeException("handshake.timeout", $"The handshake did not complete within {_options.HandshakeTimeout} (TcpTransportOptions.HandshakeTimeout).");
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// On the accepting side a dialer without a certificate is fine unless one is required; a certificate
    /// that is presented goes through the user's check (or the platform's).
    /// </summary>
    private static RemoteCertificateValidationCallback? AcceptorValidation(TlsOptions tls)
    {
        if (tls.RequireClientCertificate)
        {
            return tls.RemoteCertificateValidation;
        }

        var check = tls.RemoteCertificateValidation;
        return (sender, certificate, chain, errors) => certificate is null
            || (check is null ? errors == SslPolicyErrors.None : check(sender, certificate, chain, errors));
    }

    private static async Task<Stream> AuthenticateAsync(Stream stream, TlsOptions tls, NodeAddress? dialed, CancellationToken token)
    {
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            if (dialed is not null)
            {
                await ssl.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = tls.TargetHost ?? dialed.Host,
                        ClientCertificates = tls.ClientCertificate is { } certificate ? [certificate] : null,
                        RemoteCertificateValidationCallback = tls.RemoteCertificateValidation,
                        EnabledSslProtocols = tls.EnabledProtocols,
                    },
                    token);
            }
            else
            {
                await ssl.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions
                    {
                        ServerCertificate = tls.ServerCertificate,
                        ClientCertificateRequired = tls.RequireClientCertificate,
                        RemoteCertificateValidationCallback = AcceptorValidation(tls),
                        EnabledSslProtocols = tls.EnabledProtocols,
                    },
                    token);
            }

            return ssl;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync();
            throw new HandshakeException("tls", $"TLS failed: {ex.Message}");
        }
    }
}
