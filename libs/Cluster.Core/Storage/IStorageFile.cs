namespace Cluster.Core;

/// <summary>
/// An open durable file with positional reads and writes and an explicit fsync. See
/// <see cref="IFileStorage"/> for what survives a crash.
/// </summary>
/// <remarks>Not safe for concurrent writers; concurrent positional reads are allowed.</remarks>
public interface IStorageFile : IAsyncDisposable
{
    /// <summary>The file's storage name.</summary>
    string Name { get; }

    /// <summary>The current length in bytes, unflushed writes included.</summary>
    long Length { get; }

    /// <summary>Reads up to <c>buffer.Length</c> bytes at <paramref name="offset"/>; fewer only at the end of the file.</summary>
    /// <returns>The number of bytes read; zero at or past the end.</returns>
    ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/>, extending the file as needed (a gap reads as zeros).</summary>
    /// <exception cref="StorageFullException">The medium has no room.</exception>
    ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Writes <paramref name="data"/> at the end of the file.</summary>
    /// <returns>The offset at which the data starts.</returns>
    /// <exception cref="StorageFullException">The medium has no room.</exception>
    ValueTask<long> AppendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Cuts or extends (with zeros) the file to <paramref name="length"/> bytes. Durable after <see cref="FlushAsync"/>.</summary>
    ValueTask SetLengthAsync(long length, CancellationToken cancellationToken = default);

    /// <summary>Makes every write to this file so far durable (fsync). Completes only when the medium has them.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken = default);
}
