namespace Raft.Core;

/// <summary>An <see cref="ISnapshotStore"/> in memory, for tests and for nodes that keep nothing across restarts.</summary>
/// <remarks>Thread-safe for one writer and any number of readers.</remarks>
public sealed class MemorySnapshotStore : ISnapshotStore
{
    private readonly Lock _gate = new();
    private (SnapshotMetadata Metadata, byte[] Data)? _current;

    /// <inheritdoc />
    public SnapshotMetadata? Current
    {
        get
        {
            lock (_gate)
            {
                return _current?.Metadata;
            }
        }
    }

    /// <summary>Snapshots committed so far.</summary>
    public int Commits { get; private set; }

    /// <inheritdoc />
    public ValueTask<Stream> OpenReadAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_current is not { } current)
            {
                throw new InvalidOperationException("There is no snapshot to read.");
            }

            return ValueTask.FromResult<Stream>(new MemoryStream(current.Data, writable: false));
        }
    }

    /// <inheritdoc />
    public ValueTask<ISnapshotWriter> CreateAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<ISnapshotWriter>(new Writer(this));

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Install(SnapshotMetadata metadata, byte[] data)
    {
        lock (_gate)
        {
            _current = (metadata, data);
            Commits++;
        }
    }

    private sealed class Writer(MemorySnapshotStore store) : ISnapshotWriter
    {
        private readonly MemoryStream _buffer = new();
        private bool _done;

        public Stream Stream => _done ? throw new ObjectDisposedException(nameof(ISnapshotWriter)) : _buffer;

        public long Length => _buffer.Length;

        public ValueTask CommitAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(metadata);
            if (_done)
            {
                throw new InvalidOperationException("The snapshot was already committed or discarded.");
            }

            _done = true;
            store.Install(metadata, _buffer.ToArray());
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            _done = true;
            return _buffer.DisposeAsync();
        }
    }
}
