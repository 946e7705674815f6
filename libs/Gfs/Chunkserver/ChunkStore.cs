using System.Buffers;
using Cluster.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gfs;

/// <summary>
/// A chunkserver's local storage of chunk replicas, with a CRC-32C for every 64 KiB block as in GFS §5.2: reads verify every
/// block they touch before returning a byte, appends extend the last block's checksum incrementally, and overwrites verify the
/// first and last blocks they only partly cover before replacing them.
/// </summary>
/// <remarks>
/// <para><b>Files.</b> Each chunk has a data file (<c>{prefix}{handle:x16}.dat</c>, exactly the chunk's bytes) and a metadata
/// journal (<c>.meta</c>) of checksummed records, each holding the version, the durable length, a corrupt mark and the checksums
/// of the blocks it changed. The chunk's state is the fold of its records. Past <see cref="ChunkStoreOptions.JournalCompactionBytes"/>
/// the journal is rewritten as one snapshot record (temporary file, fsync, atomic rename, folder sync).</para>
/// <para><b>Durability.</b> Every mutation is durable when its task completes, and its cost is:
/// a write or append at or past the end (the common case) writes the data, fsyncs the data file, appends a record of 64 bytes
/// plus 4 per block and fsyncs the journal — two fsyncs and no folder sync, whatever the size; the record is the commit point, so a
/// crash before it leaves the data past the old length to be cut off by recovery. An overwrite of acknowledged bytes first appends a
/// redo record holding the new data and fsyncs the journal, then writes in place and fsyncs the data file — also two fsyncs, but the
/// overwritten bytes are written twice, so a crash mid-write is repaired by writing them again instead of leaving a block that
/// matches neither checksum. <see cref="SetVersionAsync"/> is one journal fsync; create and delete add a folder sync.</para>
/// <para><b>Recovery</b> (in <see cref="OpenAsync"/>, and for one chunk after any operation on it failed midway): cut a torn
/// record off the journal's end, write the last record's redo data again, cut the data file to the durable length, delete
/// leftovers of unfinished creates, deletes and rewrites. Acknowledged data is never lost and unacknowledged data is either
/// entirely present or entirely absent, so a crash never makes a healthy chunk look corrupt. Damage a crash cannot explain — a
/// checksum failing on acknowledged data, a damaged record in the middle of a journal — marks the chunk corrupt instead. The
/// one case no checksum can settle: the medium damaging the very last journal record after it was synced looks exactly like a
/// torn write, so that record (one mutation) is cut; the data it covered then fails verification or is cut with it.</para>
/// <para><b>Threads.</b> Thread-safe. Operations on different chunks run concurrently; operations on one chunk, reads included,
/// run one at a time in arrival order. <see cref="List"/> and <see cref="TryGetInfo"/> never wait.</para>
/// </remarks>
public sealed partial class ChunkStore : IAsyncDisposable
{
    /// <summary>The checksum block: every 64 KiB of a chunk has its own CRC-32C (GFS §5.2).</summary>
    public const int BlockSize = 64 * 1024;

    private static readonly byte[] ZeroBlock = new byte[BlockSize];

    private readonly IFileStorage _storage;
    private readonly ChunkStoreOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, StoredChunk> _chunks = [];
    private int _disposed;

    private ChunkStore(IFileStorage storage, ChunkStoreOptions options, ILogger logger)
    {
        _storage = storage;
        _options = options;
        _logger = logger;
    }

    /// <summary>The most bytes one chunk holds.</summary>
    public long ChunkSizeBytes => _options.ChunkSizeBytes;

    /// <summary>
    /// Opens the store over <paramref name="storage"/> and recovers every chunk found there (see the remarks of
    /// <see cref="ChunkStore"/>); chunks whose checks fail are kept and listed as corrupt.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid; the message names the property.</exception>
    /// <exception cref="IOException">The storage failed while recovering.</exception>
    public static async Task<ChunkStore> OpenAsync(IFileStorage storage, ChunkStoreOptions? options = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        options = (options ?? new ChunkStoreOptions()).Validate();
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ChunkStore>();
        var store = new ChunkStore(storage, options, logger);
        await store.RecoverAllAsync(cancellationToken);
        return store;
    }

    /// <summary>Every chunk held, corrupt ones included, ordered by handle (what a chunkserver reports to the master, GFS §4.5).</summary>
    public IReadOnlyList<ChunkInfo> List()
    {
        lock (_lock)
        {
            var list = new List<ChunkInfo>(_chunks.Count);
            foreach (var chunk in _chunks.Values)
            {
                if (chunk.Ready && !chunk.Deleted)
                {
                    list.Add(chunk.Info);
                }
            }

            list.Sort((a, b) => a.Handle.CompareTo(b.Handle));
            return list;
        }
    }

    /// <summary>Looks a chunk up without waiting for operations on it.</summary>
    /// <returns>Whether the chunk exists; <paramref name="info"/> reflects the last completed operation.</returns>
    public bool TryGetInfo(ulong handle, out ChunkInfo info)
    {
        lock (_lock)
        {
            if (_chunks.TryGetValue(handle, out var chunk) && chunk.Ready && !chunk.Deleted)
            {
                info = chunk.Info;
                return true;
            }
        }

        info = default;
        return false;
    }

    /// <summary>Creates an empty chunk at <paramref name="version"/>; it is durable when the task completes.</summary>
    /// <remarks>
    /// Creating a chunk that exists at the same version does nothing and succeeds, whatever it holds, so the master can retry a
    /// create whose answer was lost. Costs one journal fsync and one folder sync.
    /// </remarks>
    /// <exception cref="ChunkExistsException">The chunk exists at another version.</exception>
    public async Task CreateAsync(ulong handle, ulong version, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            ThrowIfDisposed();
            StoredChunk? existing;
            StoredChunk? created = null;
            lock (_lock)
            {
                if (!_chunks.TryGetValue(handle, out existing))
                {
                    created = NewChunk(handle);
                    var entered = created.Gate.TryEnter();
                    Invariant.Check(entered, "a new chunk's gate is free");
                    _chunks.Add(handle, created);
                }
            }

            if (created is not null)
            {
                await CreateFilesAsync(created, version, cancellationToken);
                return;
            }

            await existing!.Gate.WaitAsync(cancellationToken);
            try
            {
                ThrowIfDisposed();
                if (existing.Deleted)
                {
                    // Deleted, or its creation failed, while this call waited; it is gone from the map now, so try again.
                    continue;
                }

                if (existing.Version != version)
                {
                    throw new ChunkExistsException(handle, existing.Version, version);
                }

                return;
            }
            finally
            {
                existing.Gate.Release();
            }
        }
    }

    /// <summary>Deletes a chunk's files, corrupt or not; the delete is durable when the task completes (one folder sync).</summary>
    /// <exception cref="ChunkNotFoundException">No such chunk.</exception>
    public async Task DeleteAsync(ulong handle, CancellationToken cancellationToken = default)
    {
        var chunk = await EnterAsync(handle, reload: false, cancellationToken);
        try
        {
            chunk.Deleted = true;
            await CloseFilesAsync(chunk);

            // The journal goes first: without it the data file is a leftover that recovery deletes, never a chunk.
            await _storage.DeleteAsync(chunk.JournalName, CancellationToken.None);
            await _storage.DeleteAsync(chunk.DataName, CancellationToken.None);
            await _storage.DeleteAsync(chunk.TemporaryName, CancellationToken.None);
            await _storage.SyncDirectoryAsync(CancellationToken.None);
        }
        finally
        {
            // Removed only now, so a create of the same handle waits on the gate instead of racing the deletes above.
            lock (_lock)
            {
                _chunks.Remove(handle);
            }

            chunk.Gate.Release();
        }
    }

    /// <summary>Waits for running operations and closes every file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        StoredChunk[] chunks;
        lock (_lock)
        {
            chunks = [.. _chunks.Values];
        }

        foreach (var chunk in chunks)
        {
            await chunk.Gate.WaitAsync();
            try
            {
                await CloseFilesAsync(chunk);
            }
            finally
            {
                chunk.Gate.Release();
            }
        }
    }

    /// <summary>The number of checksum blocks of a chunk of <paramref name="length"/> bytes.</summary>
    internal static long BlockCount(long length) => (length + BlockSize - 1) / BlockSize;

    private static async ValueTask CloseFilesAsync(StoredChunk chunk)
    {
        if (chunk.Data is { } data)
        {
            chunk.Data = null;
            await data.DisposeAsync();
        }

        if (chunk.Journal is { } journal)
        {
            chunk.Journal = null;
            await journal.DisposeAsync();
        }
    }

    private StoredChunk NewChunk(ulong handle) => new(
        handle,
        ChunkFileNames.DataName(_options.FilePrefix, handle),
        ChunkFileNames.JournalName(_options.FilePrefix, handle),
        ChunkFileNames.TemporaryName(_options.FilePrefix, handle));

    private async Task CreateFilesAsync(StoredChunk chunk, ulong version, CancellationToken cancellationToken)
    {
        try
        {
            // Truncate rather than create-new: a leftover of a failed delete of the same handle may still be there.
            chunk.Data = await _storage.OpenAsync(chunk.DataName, StorageOpenMode.Truncate, cancellationToken);
            chunk.Journal = await _storage.OpenAsync(chunk.JournalName, StorageOpenMode.Truncate, cancellationToken);
            chunk.Version = version;
            chunk.Length = 0;
            chunk.JournalEnd = 0;
            await AppendRecordAsync(chunk, SnapshotRecord(chunk), cancellationToken);
            await _storage.SyncDirectoryAsync(cancellationToken);
            chunk.Ready = true;
            Publish(chunk);
        }
        catch
        {
            chunk.Deleted = true;
            await CloseFilesAsync(chunk);
            lock (_lock)
            {
                _chunks.Remove(chunk.Handle);
            }

            // Not acknowledged, so whatever reached the disk is a leftover; recovery removes it if these deletes fail too.
            await TryDeleteAsync(chunk.JournalName);
            await TryDeleteAsync(chunk.DataName);
            throw;
        }
        finally
        {
            chunk.Gate.Release();
        }
    }

    private async Task TryDeleteAsync(string name)
    {
        try
        {
            await _storage.DeleteAsync(name, CancellationToken.None);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Enters a chunk's gate and checks that it still exists; reloads it from its files first when an earlier operation failed
    /// midway (unless <paramref name="reload"/> is false). The caller must release the gate.
    /// </summary>
    private async Task<StoredChunk> EnterAsync(ulong handle, bool reload, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        StoredChunk? chunk;
        lock (_lock)
        {
            _chunks.TryGetValue(handle, out chunk);
        }

        if (chunk is null)
        {
            throw new ChunkNotFoundException(handle);
        }

        await chunk.Gate.WaitAsync(cancellationToken);
        try
        {
            ThrowIfDisposed();
            if (chunk.Deleted || !chunk.Ready)
            {
                throw new ChunkNotFoundException(handle);
            }

            if (reload && chunk.NeedsReload)
            {
                await ReloadAsync(chunk, cancellationToken);
            }

            return chunk;
        }
        catch
        {
            chunk.Gate.Release();
            throw;
        }
    }

    private void Publish(StoredChunk chunk)
    {
        var info = chunk.Describe();
        lock (_lock)
        {
            chunk.Info = info;
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    private static JournalRecord SnapshotRecord(StoredChunk chunk) => new()
    {
        Kind = JournalRecordKind.Snapshot,
        Handle = chunk.Handle,
        Version = chunk.Version,
        Length = chunk.Length,
        CorruptBlock = chunk.IsCorrupt ? chunk.CorruptBlock : -1,
        Crcs = chunk.Crcs.AsMemory(0, (int)BlockCount(chunk.Length)),
    };

    /// <summary>Appends one record at the journal's valid end and fsyncs it; the record is durable when this returns.</summary>
    private static async Task AppendRecordAsync(StoredChunk chunk, JournalRecord record, CancellationToken cancellationToken)
    {
        var size = JournalFormat.RecordBytes(record);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            JournalFormat.Encode(record, buffer);

            // Written at the tracked end, not appended, so the leftovers of a failed earlier write cannot shift it.
            await chunk.Journal!.WriteAsync(chunk.JournalEnd, buffer.AsMemory(0, size), cancellationToken);
            await chunk.Journal.FlushAsync(cancellationToken);
            chunk.JournalEnd += size;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
