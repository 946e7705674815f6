using Cluster.Core;

namespace Raft.Core;

/// <summary>
/// A durable <see cref="ISnapshotStore"/> on an <see cref="IFileStorage"/>: one file per snapshot, written under a temporary name and
/// renamed into place on commit.
/// </summary>
/// <remarks>
/// <para>
/// <b>Files.</b> Under the prefix (default <c>snapshots/</c>): <c>snapshot-&lt;sequence&gt;.tmp</c> while a snapshot is written, and
/// <c>snapshot-&lt;sequence&gt;.snap</c> once committed, where the sequence orders commits. A file holds the payload, then the metadata
/// (MessagePack) and a trailer with the sizes and CRC-32C checksums of both; see <c>DESIGN.md</c>.
/// </para>
/// <para>
/// <b>Commit.</b> The trailer is appended, the file fsynced, renamed to its committed name and the folder fsynced; only then does the
/// new snapshot become <see cref="Current"/> and the previous one is deleted. A crash before the folder fsync completes leaves the
/// previous snapshot current.
/// </para>
/// <para>
/// <b>Open.</b> Temporary files are leftovers of writers that never committed and are deleted. The newest committed snapshot is
/// verified in full (both checksums); older ones are leftovers of a commit that crashed before deleting them and are deleted. A newest
/// snapshot that fails its checks is reported as <see cref="CorruptDataException"/> rather than skipped in favour of an older one:
/// it was fsynced before it was renamed into place, so damage means the medium failed, and quietly going back to an older snapshot
/// would hide that (and the log may already be compacted past the older one). The reader's checks happen at open; the bytes returned
/// by <see cref="OpenReadAsync"/> are not checked again.
/// </para>
/// <para><b>Threading.</b> One writer at a time; any number of readers beside it. A reader keeps reading the snapshot it opened even
/// after a newer one is committed and the old file deleted (the open file stays readable).</para>
/// </remarks>
public sealed class FileSnapshotStore : ISnapshotStore
{
    /// <summary>Default of the prefix under which the snapshot files live.</summary>
    public const string DefaultPrefix = "snapshots/";

    private const int VerifyChunkBytes = 1024 * 1024;
    private const int MaxOpenAttempts = 3;

    private readonly Lock _gate = new();
    private CommittedSnapshot? _current;
    private ulong _nextSequence;
    private bool _disposed;

    private FileSnapshotStore(IFileStorage storage, string prefix, CommittedSnapshot? current, ulong nextSequence)
    {
        Storage = storage;
        Prefix = prefix;
        _current = current;
        _nextSequence = nextSequence;
    }

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

    /// <summary>The storage name of the current snapshot's file, or null when there is none.</summary>
    internal string? CurrentFileName
    {
        get
        {
            lock (_gate)
            {
                return _current?.Name;
            }
        }
    }

    internal IFileStorage Storage { get; }

    internal string Prefix { get; }

    /// <summary>
    /// Opens the snapshot store under <paramref name="prefix"/> of <paramref name="storage"/>: deletes unfinished temporary files and
    /// superseded snapshots, and verifies the newest committed one.
    /// </summary>
    /// <param name="storage">Where the snapshot files live.</param>
    /// <param name="prefix">A folder ending in <c>/</c>, or empty for the storage root. Two stores must not share a prefix.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <exception cref="ArgumentException">The prefix is not a valid folder name.</exception>
    /// <exception cref="CorruptDataException">The newest committed snapshot fails its checks; the message names the file and offset.</exception>
    public static async ValueTask<FileSnapshotStore> OpenAsync(IFileStorage storage, string prefix = DefaultPrefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        StoragePrefix.Validate(prefix, nameof(prefix));
        var committed = new List<(string Name, ulong Sequence)>();
        var leftovers = new List<string>();
        ulong highest = 0;
        foreach (var name in storage.List(prefix))
        {
            if (!SnapshotFileFormat.TryParseName(name, prefix, out var sequence, out var isCommitted))
            {
                continue;
            }

            highest = Math.Max(highest, sequence);
            if (isCommitted)
            {
                committed.Add((name, sequence));
            }
            else
            {
                leftovers.Add(name);
            }
        }

        committed.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        CommittedSnapshot? current = null;
        if (committed.Count > 0)
        {
            var (name, sequence) = committed[^1];
            current = await VerifyAsync(storage, name, sequence, cancellationToken);
            leftovers.AddRange(committed.Take(committed.Count - 1).Select(c => c.Name));
        }

        foreach (var name in leftovers)
        {
            await storage.DeleteAsync(name, cancellationToken);
        }

        if (leftovers.Count > 0)
        {
            await storage.SyncDirectoryAsync(cancellationToken);
        }

        return new FileSnapshotStore(storage, prefix, current, highest + 1);
    }

    /// <inheritdoc />
    /// <remarks>The stream holds its own handle on the file; dispose it when done.</remarks>
    public async ValueTask<Stream> OpenReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (var attempt = 1; ; attempt++)
        {
            CommittedSnapshot current;
            lock (_gate)
            {
                current = _current ?? throw new InvalidOperationException("There is no snapshot to read.");
            }

            try
            {
                var file = await Storage.OpenAsync(current.Name, StorageOpenMode.OpenExisting, cancellationToken);
                return StorageFileStream.ForReading(file, 0, current.PayloadBytes, ownsFile: true);
            }
            catch (FileNotFoundException) when (attempt < MaxOpenAttempts && !ReferenceEquals(current, Volatile.Read(ref _current)))
            {
                // A commit replaced and deleted the file between looking it up and opening it; read the new one.
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>The writer's stream buffers writes (64 KiB) and is not seekable; prefer its asynchronous methods.</remarks>
    public async ValueTask<ISnapshotWriter> CreateAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var name = SnapshotFileFormat.TemporaryName(Prefix, TakeSequence());
        var file = await Storage.OpenAsync(name, StorageOpenMode.Truncate, cancellationToken);
        return new FileSnapshotWriter(this, file, name);
    }

    /// <summary>Marks the store closed; open readers and writers keep working on their own files.</summary>
    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return ValueTask.CompletedTask;
    }

    /// <summary>A fresh number for a file name: commits take theirs when they commit, so the newest commit has the highest.</summary>
    internal ulong TakeSequence()
    {
        lock (_gate)
        {
            return _nextSequence++;
        }
    }

    /// <summary>Makes <paramref name="snapshot"/> current (its file is already durable under its final name).</summary>
    /// <returns>The snapshot it replaces, whose file the caller deletes.</returns>
    internal CommittedSnapshot? Install(CommittedSnapshot snapshot)
    {
        lock (_gate)
        {
            var previous = _current;
            _current = snapshot;
            return previous;
        }
    }

    private static async ValueTask<CommittedSnapshot> VerifyAsync(IFileStorage storage, string name, ulong sequence, CancellationToken cancellationToken)
    {
        var file = await storage.OpenAsync(name, StorageOpenMode.OpenExisting, cancellationToken);
        await using (file)
        {
            var length = file.Length;
            if (length < SnapshotFileFormat.TrailerBytes)
            {
                throw new CorruptDataException(name, 0, $"a snapshot file of {length} bytes is shorter than its trailer");
            }

            var trailer = new byte[SnapshotFileFormat.TrailerBytes];
            await ReadExactlyAsync(file, length - trailer.Length, trailer, cancellationToken);
            if (SnapshotFileFormat.TryReadTrailer(trailer, length, out var reason) is not { } layout)
            {
                throw new CorruptDataException(name, length - trailer.Length, reason!);
            }

            var footer = new byte[layout.MetadataBytes + SnapshotFileFormat.TrailerBytes];
            await ReadExactlyAsync(file, layout.PayloadBytes, footer, cancellationToken);
            if (SnapshotFileFormat.TryReadMetadata(footer, out reason) is not { } metadata)
            {
                throw new CorruptDataException(name, layout.PayloadBytes, reason!);
            }

            var chunk = new byte[(int)Math.Clamp(layout.PayloadBytes, 1, VerifyChunkBytes)];
            uint checksum = 0;
            for (long position = 0; position < layout.PayloadBytes; position += chunk.Length)
            {
                var count = (int)Math.Min(chunk.Length, layout.PayloadBytes - position);
                await ReadExactlyAsync(file, position, chunk.AsMemory(0, count), cancellationToken);
                checksum = Crc32C.Append(checksum, chunk.AsSpan(0, count));
            }

            if (checksum != layout.PayloadChecksum)
            {
                throw new CorruptDataException(name, 0, $"the checksum of the {layout.PayloadBytes} payload bytes does not match the trailer");
            }

            return new CommittedSnapshot(name, sequence, metadata, layout.PayloadBytes);
        }
    }

    private static async ValueTask ReadExactlyAsync(IStorageFile file, long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = await file.ReadAsync(offset, buffer, cancellationToken);
        if (read != buffer.Length)
        {
            throw new CorruptDataException(file.Name, offset + read, $"the file ends {buffer.Length - read} bytes early");
        }
    }
}
