namespace Gfs;

/// <summary>A read-only, seekable stream over a GFS file; its length is the file's length when it was opened.</summary>
internal sealed class GfsReadStream(GfsClient client, string path, long length) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Position must not be negative.");
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("GFS streams are asynchronous; use ReadAsync.");

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await client.ReadAsync(path, _position, buffer, cancellationToken);
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("A GFS read stream cannot change the file's length.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A GFS read stream cannot write.");
}
