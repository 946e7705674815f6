using Cluster.Core;

namespace Cluster.Simulation;

/// <summary>An open file on a <see cref="SimulatedDisk"/>; valid until disposed or until its node crashes.</summary>
internal sealed class SimulatedStorageFile(SimulatedDisk disk, DiskInode inode, string name, int generation) : IStorageFile
{
    private bool _disposed;

    public string Name { get; } = name;

    public long Length
    {
        get
        {
            Check();
            return inode.Length;
        }
    }

    public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Check();
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        return ValueTask.FromResult(disk.Read(inode, Name, offset, buffer.Span));
    }

    public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        Check();
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        disk.Write(inode, Name, offset, data.Span);
        return ValueTask.CompletedTask;
    }

    public ValueTask<long> AppendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        Check();
        cancellationToken.ThrowIfCancellationRequested();
        var offset = inode.Length;
        disk.Write(inode, Name, offset, data.Span);
        return ValueTask.FromResult(offset);
    }

    public ValueTask SetLengthAsync(long length, CancellationToken cancellationToken = default)
    {
        Check();
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        disk.SetLength(inode, Name, length);
        return ValueTask.CompletedTask;
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        Check();
        cancellationToken.ThrowIfCancellationRequested();
        return disk.SyncFile(inode, Name);
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return ValueTask.CompletedTask;
    }

    private void Check()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (generation != disk.Generation)
        {
            throw new ObjectDisposedException(Name, $"'{Name}' was opened before the node crashed; the handle died with that incarnation.");
        }
    }
}
