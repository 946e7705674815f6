using System.Buffers;
using Cluster.Core;

namespace Raft.Core;

/// <summary>
/// A durable <see cref="ILogStore"/> on an <see cref="IFileStorage"/>: a write-ahead log of checksummed records in segment files,
/// with the live entries also kept in memory.
/// </summary>
/// <remarks>
/// <para>
/// <b>Memory.</b> Every entry after the last compaction is held in memory as well as on disk, so the synchronous reads the core makes
/// (<see cref="Term"/>, <see cref="Entries"/>) never touch the disk; the files are only written, and read once, at
/// <see cref="OpenAsync"/>. This is etcd's split between its WAL and its in-memory storage. Memory is therefore bounded by what
/// accumulates between compactions: the host compacts after each snapshot, so it is about the snapshot threshold's worth of entries.
/// A host that never compacts keeps its whole log in memory.
/// </para>
/// <para>
/// <b>Files.</b> Segments named <c>log-&lt;sequence&gt;-&lt;first index&gt;.seg</c> under <see cref="SegmentedLogStoreOptions.Prefix"/>;
/// see <c>DESIGN.md</c> for the record format and the recovery rules. Appends go to the last segment; when it passes
/// <see cref="SegmentedLogStoreOptions.MaxSegmentBytes"/> it is cut to its used length, fsynced, and a new one is started (and its
/// creation made durable) before anything is written to it. Compaction deletes the oldest segments once a snapshot covers every entry
/// they wrote.
/// </para>
/// <para>
/// <b>Recovery.</b> A damaged record at the end of the last segment with nothing valid after it is the torn tail of a write that was
/// never acknowledged, and is cut off. Damage anywhere else is reported as <see cref="CorruptDataException"/> naming the file and offset.
/// A synced record that is the very last one of the log and is damaged by the medium afterwards cannot be told from a torn write, and
/// is cut off too; every other damaged record is detected.
/// </para>
/// <para>
/// <b>Failures.</b> A write refused for lack of space (<see cref="StorageFullException"/>) changes nothing and may be retried. Any other
/// I/O failure, and any failed fsync, stops the store: later writes throw <see cref="InvalidOperationException"/>, because after a
/// failed fsync the file's contents are unknown. Reopen the store to continue from what is durable.
/// </para>
/// <para>
/// <b>Threading.</b> As <see cref="ILogStore"/> requires: one writer, and reads only while no write is running. Once a write has
/// started it runs to the end; the cancellation token is checked before it starts and while waiting for the final fsync.
/// </para>
/// </remarks>
public sealed partial class SegmentedLogStore : ILogStore
{
    // Buffers for encoding records are kept between appends, unless one grew past this (a huge batch) and would pin the memory.
    private const int MaxRetainedScratchBytes = 4 * 1024 * 1024;

    private readonly IFileStorage _storage;
    private readonly SegmentedLogStoreOptions _options;
    private readonly List<LogSegment> _segments;
    private readonly EntryList _entries;
    private ArrayBufferWriter<byte> _scratch = new(4096);
    private IStorageFile _activeFile;
    private long _writeOffset;
    private bool _dirty;
    private Snapshot _snapshot;
    private HardState _hardState;
    private Exception? _failure;
    private bool _disposed;

    private SegmentedLogStore(
        IFileStorage storage,
        SegmentedLogStoreOptions options,
        List<LogSegment> segments,
        IStorageFile activeFile,
        long writeOffset,
        LogReplay replay,
        long discardedTailBytes)
    {
        _storage = storage;
        _options = options;
        _segments = segments;
        _activeFile = activeFile;
        _writeOffset = writeOffset;
        _entries = replay.Entries;
        _snapshot = replay.Snapshot.Index == 0 ? Snapshot.Empty : new Snapshot(replay.Snapshot, ReadOnlyMemory<byte>.Empty);
        _hardState = replay.HardState;
        DiscardedTailBytes = discardedTailBytes;
    }

    /// <summary>The last saved hard state.</summary>
    public HardState HardState => _hardState;

    /// <inheritdoc />
    public RaftInitialState InitialState => new(_hardState, _snapshot.Metadata.Configuration);

    /// <inheritdoc />
    public ulong FirstIndex => _snapshot.Index + 1;

    /// <inheritdoc />
    public ulong LastIndex => _snapshot.Index + (ulong)_entries.Count;

    /// <inheritdoc />
    /// <remarks>Metadata only: the snapshot's bytes live in an <see cref="ISnapshotStore"/>.</remarks>
    public Snapshot Snapshot => _snapshot;

    /// <summary>Whether the store holds nothing: no entry, no snapshot and an empty hard state.</summary>
    public bool IsEmpty => _entries.Count == 0 && _snapshot.Index == 0 && _hardState.IsEmpty;

    /// <summary>The segment files, oldest first (for tests and diagnostics).</summary>
    internal IReadOnlyList<string> SegmentNames => [.. _segments.Select(s => s.Name)];

    /// <summary>Where the next record goes in the active segment.</summary>
    internal long WriteOffset => _writeOffset;

    /// <summary>How many bytes of a torn tail <see cref="OpenAsync"/> removed (zero when the log ended cleanly).</summary>
    internal long DiscardedTailBytes { get; }

    /// <inheritdoc />
    public ulong Term(ulong index)
    {
        var offset = _snapshot.Index;
        if (index < offset)
        {
            throw new LogCompactedException(index, FirstIndex);
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, LastIndex);
        return index == offset ? _snapshot.Term : _entries.TermAt((int)(index - offset - 1));
    }

    /// <inheritdoc />
    public IReadOnlyList<LogEntry> Entries(ulong low, ulong high, long maxBytes)
    {
        var offset = _snapshot.Index;
        if (low <= offset)
        {
            throw new LogCompactedException(low, FirstIndex);
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(high, LastIndex + 1);

        // Sized for the usual case (the range fits the byte limit) without trusting a huge range to.
        var result = new List<LogEntry>(high > low ? (int)Math.Min(high - low, 1024) : 0);
        long size = 0;
        for (var i = low; i < high; i++)
        {
            var entry = _entries.Get((int)(i - offset - 1), i);
            size += entry.SizeBytes;
            if (result.Count > 0 && size > maxBytes)
            {
                break;
            }

            result.Add(entry);
        }

        return result;
    }

    /// <summary>
    /// Makes an empty store the log of a founding member of a new cluster, durably: one committed configuration entry at index 1,
    /// term 1, that makes <paramref name="voters"/> the voters, and the hard state (term 1, no vote, commit 1). The same entry
    /// <see cref="MemoryRaftLog.CreateBootstrapped"/> starts from; every founding member must use the same list.
    /// </summary>
    /// <exception cref="ArgumentException">There are no voters.</exception>
    /// <exception cref="InvalidOperationException">The store is not empty (it was bootstrapped before, or has joined a cluster).</exception>
    public async ValueTask BootstrapAsync(IEnumerable<NodeId> voters, CancellationToken cancellationToken = default)
    {
        var entry = LogBootstrap.CreateEntry(voters);
        if (!IsEmpty)
        {
            throw new InvalidOperationException(
                $"Only an empty log store can be bootstrapped; this one has entries up to {LastIndex}, a snapshot at {_snapshot.Index} and term {_hardState.Term}.");
        }

        await AppendAsync([entry], LogBootstrap.HardState, sync: true, cancellationToken);
    }

    /// <summary>Flushes writes not yet synced (unless the store has failed) and closes the active segment.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (_dirty && _failure is null)
            {
                await _activeFile.FlushAsync();
                _dirty = false;
            }
        }
        finally
        {
            await _activeFile.DisposeAsync();
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure is not null)
        {
            throw new InvalidOperationException(
                $"The log store in {_storage.Location} stopped after a failed write or fsync ({_failure.Message}); reopen it to continue from what is durable.",
                _failure);
        }
    }
}
