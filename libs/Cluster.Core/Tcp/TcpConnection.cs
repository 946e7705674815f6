using System.IO.Pipelines;

namespace Cluster.Core;

/// <summary>One established connection (TLS and handshake done): the stream and the pipes over it.</summary>
internal sealed class TcpConnection : IAsyncDisposable
{
    // Large pipe segments let one flush carry hundreds of small frames in one socket write,
    // and let a 64 KiB frame arrive in few reads.
    private const int BufferBytes = 64 * 1024;

    private readonly Stream _stream;
    private int _disposed;

    public TcpConnection(Stream stream, NodeId peer, bool outbound)
    {
        _stream = stream;
        Peer = peer;
        Outbound = outbound;
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: BufferBytes, minimumReadSize: BufferBytes / 4, leaveOpen: true));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: BufferBytes, leaveOpen: true));
    }

    public NodeId Peer { get; }

    public bool Outbound { get; }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>Closes the socket at once, failing any pending read or write.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stream.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Close the socket first: completing a stream pipe writer flushes what it holds, which would
        // block on a peer that stopped reading.
        Abort();
        try
        {
            await Output.CompleteAsync();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            // The socket is closed; unsent bytes are lost, which the transport contract allows.
        }

        await Input.CompleteAsync();
    }
}
