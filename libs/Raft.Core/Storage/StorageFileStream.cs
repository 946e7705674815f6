using System.Buffers;
using System.Runtime.CompilerServices;
using Cluster.Core;

namespace Raft.Core;

/// <summary>
/// A <see cref="Stream"/> over an <see cref="IStorageFile"/>, in one of two shapes: write-only and append-only from an offset, with
/// writes gathered in a buffer and a running CRC-32C of everything written; or read-only and seekable over a window of the file.
/// </summary>
/// <remarks>
/// <para>
/// The asynchronous methods are the real implementation. The synchronous <see cref="Read(Span{byte})"/>, <see cref="Write(ReadOnlySpan{byte})"/>
/// and <see cref="Flush"/> wait for them to finish: <see cref="IStorageFile"/> reads and writes complete at once or nearly so
/// (<see cref="DiskFileStorage"/> does the I/O on the caller's thread and returns a completed task; the simulated disk completes them
/// immediately), and this stream never fsyncs, so the wait is as long as the I/O itself. Prefer the asynchronous methods all the same.
/// </para>
/// <para>Flushing only hands the buffer to the file; durability (fsync) is the owner's business. Not thread-safe.</para>
/// </remarks>
internal sealed class StorageFileStream : Stream
{
    /// <summary>The write buffer's size unless another is asked for.</summary>
    public const int DefaultBufferBytes = 64 * 1024;

    private readonly IStorageFile _file;
    private readonly bool _writable;
    private readonly bool _ownsFile;
    private readonly long _start;
    private readonly long _windowLength;
    private readonly byte[]? _buffer;
    private int _buffered;
    private long _position;
    private uint _checksum;
    private bool _disposed;

    private StorageFileStream(IStorageFile file, bool writable, bool ownsFile, long start, long windowLength, int bufferBytes)
    {
        _file = file;
        _writable = writable;
        _ownsFile = ownsFile;
        _start = start;
        _windowLength = windowLength;
        _buffer = writable ? new byte[bufferBytes] : null;
    }

    /// <inheritdoc />
    public override bool CanRead => !_writable && !_disposed;

    /// <inheritdoc />
    public override bool CanSeek => !_writable && !_disposed;

    /// <inheritdoc />
    public override bool CanWrite => _writable && !_disposed;

    /// <inheritdoc />
    public override long Length
    {
        get
        {
            ThrowIfNotReadable();
            return _windowLength;
        }
    }

    /// <inheritdoc />
    public override long Position
    {
        get
        {
            ThrowIfNotReadable();
            return _position;
        }

        set => Seek(value, SeekOrigin.Begin);
    }

    /// <summary>Bytes written so far, buffered ones included (write mode).</summary>
    public long BytesWritten => _writable ? _position : throw new NotSupportedException("The stream is not writable.");

    /// <summary>The CRC-32C of every byte written so far (write mode).</summary>
    public uint Checksum => _writable ? _checksum : throw new NotSupportedException("The stream is not writable.");

    /// <summary>A write-only stream that appends to <paramref name="file"/> from <paramref name="start"/>; the caller keeps ownership of the file.</summary>
    public static StorageFileStream ForWriting(IStorageFile file, long start = 0, int bufferBytes = DefaultBufferBytes)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bufferBytes);
        return new StorageFileStream(file, writable: true, ownsFile: false, start, 0, bufferBytes);
    }

    /// <summary>A read-only, seekable stream of the <paramref name="length"/> bytes of <paramref name="file"/> from <paramref name="start"/>.</summary>
    /// <param name="file">The file to read.</param>
    /// <param name="start">Where the window starts in the file.</param>
    /// <param name="length">How long the window is; position 0 of the stream is <paramref name="start"/> of the file.</param>
    /// <param name="ownsFile">Whether disposing the stream disposes the file.</param>
    public static StorageFileStream ForReading(IStorageFile file, long start, long length, bool ownsFile)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new StorageFileStream(file, writable: false, ownsFile, start, length, 0);
    }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfNotReadable();
        if (_position >= _windowLength || buffer.IsEmpty)
        {
            return 0;
        }

        var count = (int)Math.Min(buffer.Length, _windowLength - _position);
        var read = await _file.ReadAsync(_start + _position, buffer[..count], cancellationToken);
        if (read < count)
        {
            throw new EndOfStreamException($"'{_file.Name}' ended at offset {_start + _position + read}, inside the {_windowLength} bytes it should hold from offset {_start}.");
        }

        _position += read;
        return read;
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Wait(ReadAsync(buffer.AsMemory(offset, count)));
    }

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        var rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var read = Wait(ReadAsync(rented.AsMemory(0, buffer.Length)));
            rented.AsSpan(0, read).CopyTo(buffer);
            return read;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin)
    {
        ThrowIfNotReadable();
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _windowLength + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin), origin, "Unknown seek origin."),
        };
        if (target < 0)
        {
            throw new IOException($"Cannot seek to {target}, before the start of the stream.");
        }

        _position = target;
        return target;
    }

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfNotWritable();
        _checksum = Crc32C.Append(_checksum, buffer.Span);
        if (_buffered == 0 && buffer.Length >= _buffer!.Length)
        {
            // Large writes go straight to the file; copying them through the buffer would only cost time.
            await _file.WriteAsync(_start + _position, buffer, cancellationToken);
            _position += buffer.Length;
            return;
        }

        while (!buffer.IsEmpty)
        {
            var take = Math.Min(buffer.Length, _buffer!.Length - _buffered);
            buffer.Span[..take].CopyTo(_buffer.AsSpan(_buffered));
            _buffered += take;
            _position += take;
            buffer = buffer[take..];
            if (_buffered == _buffer.Length)
            {
                await DrainAsync(cancellationToken);
            }
        }
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Wait(WriteAsync(buffer.AsMemory(offset, count)));
    }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ThrowIfNotWritable();
        if (buffer.Length <= _buffer!.Length - _buffered)
        {
            // The common case needs no copy to the heap: it fits in the buffer.
            _checksum = Crc32C.Append(_checksum, buffer);
            buffer.CopyTo(_buffer.AsSpan(_buffered));
            _buffered += buffer.Length;
            _position += buffer.Length;
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            buffer.CopyTo(rented);
            Wait(WriteAsync(rented.AsMemory(0, buffer.Length)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <inheritdoc />
    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Hands the buffered bytes to the file (no fsync).</summary>
    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _writable && _buffered > 0 ? DrainAsync(cancellationToken).AsTask() : Task.CompletedTask;
    }

    /// <inheritdoc />
    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException("A storage file stream cannot change its length.");

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            if (_writable && _buffered > 0)
            {
                await DrainAsync(CancellationToken.None);
            }
        }
        finally
        {
            _disposed = true;
            if (_ownsFile)
            {
                await _file.DisposeAsync();
            }

            GC.SuppressFinalize(this);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Wait(DisposeAsync());
        }

        base.Dispose(disposing);
    }

    /// <summary>Waits for a value task, as the synchronous methods must; see the class remarks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Wait<T>(ValueTask<T> task) => task.IsCompletedSuccessfully ? task.Result : task.AsTask().GetAwaiter().GetResult();

    private static void Wait(ValueTask task)
    {
        if (task.IsCompletedSuccessfully)
        {
            return;
        }

        task.AsTask().GetAwaiter().GetResult();
    }

    private async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        var offset = _start + _position - _buffered;
        await _file.WriteAsync(offset, _buffer.AsMemory(0, _buffered), cancellationToken);
        _buffered = 0;
    }

    private void ThrowIfNotReadable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_writable)
        {
            throw new NotSupportedException("The stream is write-only and not seekable.");
        }
    }

    private void ThrowIfNotWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_writable)
        {
            throw new NotSupportedException("The stream is read-only.");
        }
    }
}
