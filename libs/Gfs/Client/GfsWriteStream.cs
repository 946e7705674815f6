namespace Gfs;

/// <summary>A write-only stream that writes a GFS file sequentially, in pieces of a buffer's size; <see cref="FlushAsync(CancellationToken)"/> or disposal writes the rest.</summary>
internal sealed class GfsWriteStream(GfsClient client, string path, long offset, int bufferBytes) : Stream
{
    private readonly byte[] _buffer = new byte[bufferBytes];
    private int _buffered;
    private long _position = offset;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException("A GFS write stream does not know the file's length.");

    public override long Position
    {
        get => _position + _buffered;
        set => throw new NotSupportedException("A GFS write stream writes sequentially.");
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var take = Math.Min(buffer.Length, _buffer.Length - _buffered);
            buffer[..take].CopyTo(_buffer.AsMemory(_buffered));
            _buffered += take;
            buffer = buffer[take..];
            if (_buffered == _buffer.Length)
            {
                await FlushAsync(cancellationToken);
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_buffered == 0)
        {
            return;
        }

        await client.WriteAsync(path, _position, _buffer.AsMemory(0, _buffered), cancellationToken);
        _position += _buffered;
        _buffered = 0;
    }

    public override async ValueTask DisposeAsync()
    {
        await FlushAsync(CancellationToken.None);
        await base.DisposeAsync();
    }

    public override void Flush() => throw new NotSupportedException("GFS streams are asynchronous; use FlushAsync.");

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("A GFS write stream cannot read.");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A GFS write stream writes sequentially.");

    public override void SetLength(long value) => throw new NotSupportedException("A GFS write stream cannot change the file's length.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("GFS streams are asynchronous; use WriteAsync.");
}
