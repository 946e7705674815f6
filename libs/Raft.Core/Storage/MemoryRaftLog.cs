using Cluster.Core;

namespace Raft.Core;

/// <summary>
/// An in-memory <see cref="ILogStore"/>, with the synchronous write side the core-only tests use: append, install a snapshot, create one, compact,
/// save the hard state. Used by tests and simulations, where "persisted" means "written here".
/// </summary>
/// <remarks>Not thread-safe.</remarks>
public sealed class MemoryRaftLog : ILogStore
{
    private readonly EntryList _entries = new();

    /// <summary>The index just before the first entry (the snapshot's or the last compacted one), and its term.</summary>
    private ulong _offset;
    private ulong _offsetTerm;
    private Snapshot _snapshot = Snapshot.Empty;

    /// <summary>The last saved hard state.</summary>
    public HardState HardState { get; private set; }

    /// <inheritdoc />
    public RaftInitialState InitialState => new(HardState, _snapshot.Metadata.Configuration);

    /// <inheritdoc />
    public ulong FirstIndex => _offset + 1;

    /// <inheritdoc />
    public ulong LastIndex => _offset + (ulong)_entries.Count;

    /// <inheritdoc />
    public Snapshot Snapshot => _snapshot;

    /// <summary>
    /// Creates the log of a founding member of a new cluster: one committed configuration entry at index 1, term 1, that makes
    /// <paramref name="voters"/> the voters. Every founding member must start from the same list.
    /// </summary>
    /// <exception cref="ArgumentException">There are no voters.</exception>
    public static MemoryRaftLog CreateBootstrapped(IEnumerable<NodeId> voters)
    {
        var entry = LogBootstrap.CreateEntry(voters);
        var log = new MemoryRaftLog();
        log.Append([entry]);
        log.SetHardState(LogBootstrap.HardState);
        return log;
    }

    /// <summary>Saves the hard state.</summary>
    public void SetHardState(HardState state) => HardState = state;

    /// <inheritdoc />
    public ulong Term(ulong index)
    {
        var offset = _offset;
        if (index < offset)
        {
            throw new LogCompactedException(index, FirstIndex);
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, LastIndex);
        return index == offset ? _offsetTerm : _entries.TermAt((int)(index - offset - 1));
    }

    /// <inheritdoc />
    public IReadOnlyList<LogEntry> Entries(ulong low, ulong high, long maxBytes)
    {
        var offset = _offset;
        if (low <= offset)
        {
            throw new LogCompactedException(low, FirstIndex);
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(high, LastIndex + 1);
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
    /// Appends entries, first dropping any existing entries at or after the first new index (a follower's log is overwritten by the
    /// leader's, Raft §5.3). Entries already covered by the snapshot are skipped.
    /// </summary>
    /// <exception cref="ArgumentException">The entries would leave a gap after <see cref="LastIndex"/>.</exception>
    public void Append(IReadOnlyList<LogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry.Index < FirstIndex)
            {
                continue;
            }

            if (entry.Index > LastIndex + 1)
            {
                throw new ArgumentException($"Entry {entry.Index} would leave a gap after the last index {LastIndex}.", nameof(entries));
            }

            var position = (int)(entry.Index - _offset - 1);
            if (position < _entries.Count)
            {
                _entries.RemoveRange(position, _entries.Count - position);
            }

            _entries.Add(entry);
        }
    }

    /// <summary>Replaces the whole log with a snapshot received from the leader.</summary>
    /// <returns>False, changing nothing, when the snapshot is older than the current one.</returns>
    public bool ApplySnapshot(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Index <= _snapshot.Index && _snapshot.Index > 0)
        {
            return false;
        }

        _snapshot = snapshot;
        _entries.Clear();
        _offset = snapshot.Index;
        _offsetTerm = snapshot.Term;
        return true;
    }

    /// <summary>
    /// Records a snapshot of the application's state as of <paramref name="index"/> (which must be applied, so within the log).
    /// The entries stay until <see cref="Compact"/> discards them, so slow followers can still catch up from the log.
    /// </summary>
    public Snapshot CreateSnapshot(ulong index, ConfigurationState configuration, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (index <= _snapshot.Index && _snapshot.Index > 0)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"A snapshot at {_snapshot.Index} already exists.");
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, LastIndex);
        _snapshot = new Snapshot(new SnapshotMetadata { Index = index, Term = Term(index), Configuration = configuration }, data);
        return _snapshot;
    }

    /// <summary>Discards entries up to and including <paramref name="index"/>; they must be covered by the snapshot.</summary>
    public void Compact(ulong index)
    {
        if (index <= _offset)
        {
            return;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, _snapshot.Index);
        var term = Term(index);
        _entries.RemoveRange(0, (int)(index - _offset));
        _offset = index;
        _offsetTerm = term;
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(IReadOnlyList<LogEntry> entries, HardState? hardState, bool sync, CancellationToken cancellationToken = default)
    {
        Append(entries);
        if (hardState is { } state)
        {
            SetHardState(state);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask InstallSnapshotAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ApplySnapshot(new Snapshot(metadata, ReadOnlyMemory<byte>.Empty));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask CompactAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata.Index > _snapshot.Index)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(metadata.Index, LastIndex, nameof(metadata));
            _snapshot = new Snapshot(metadata, ReadOnlyMemory<byte>.Empty);
            Compact(metadata.Index);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
