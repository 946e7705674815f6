using System.Buffers;
using Cluster.Core;

namespace Raft.Core;

public sealed partial class SegmentedLogStore
{
    /// <inheritdoc />
    /// <remarks>
    /// The records of one call (a truncation marker when the entries overwrite a suffix, the entries, the hard state when it changed)
    /// go out in one write, followed by one fsync when <paramref name="sync"/> is true. The in-memory log reflects the write as soon as
    /// it is made, before the fsync, as an unsynced append does.
    /// </remarks>
    public async ValueTask AppendAsync(IReadOnlyList<LogEntry> entries, HardState? hardState, bool sync, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ThrowIfUnusable();
        cancellationToken.ThrowIfCancellationRequested();
        var (start, count) = SelectNewEntries(entries);
        var saveHardState = hardState is { } state && state != _hardState;
        var scratch = _scratch;
        scratch.ResetWrittenCount();
        ulong truncateFrom = 0;
        if (count > 0)
        {
            var first = entries[start].Index;
            if (first <= LastIndex)
            {
                // Raft §5.3: a conflicting suffix is replaced. The marker lets recovery tell this from a gap or a replayed record.
                truncateFrom = first;
                SegmentFormat.WriteTruncate(scratch, first);
            }

            SegmentFormat.WriteEntries(scratch, entries, start, count);
        }

        if (saveHardState)
        {
            SegmentFormat.WriteHardState(scratch, hardState!.Value);
        }

        if (scratch.WrittenCount > 0)
        {
            await WriteRecordsAsync(scratch.WrittenMemory);
            if (truncateFrom != 0)
            {
                var keep = (int)(truncateFrom - FirstIndex);
                _entries.RemoveRange(keep, _entries.Count - keep);
            }

            for (var i = start; i < start + count; i++)
            {
                _entries.Add(entries[i]);
            }

            if (count > 0)
            {
                Invariant.Holds(LastIndex == entries[start + count - 1].Index, "After an append the log ends at its last entry.");
                _segments[^1].NoteWritten(LastIndex);
            }

            if (saveHardState)
            {
                _hardState = hardState!.Value;
            }

            ReleaseLargeScratch();
        }

        if (sync && _dirty)
        {
            await FlushActiveAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Writes a compaction marker and fsyncs it, then drops the entries from memory and deletes the oldest segments whose entries the
    /// snapshot now covers. A crash before the fsync completes leaves the old starting point; after it, the new one, and segments that
    /// were not yet deleted are deleted at the next open.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="metadata"/>'s term is not the term of the entry at its index.</exception>
    public async ValueTask CompactAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ThrowIfUnusable();
        cancellationToken.ThrowIfCancellationRequested();
        if (metadata.Index <= _snapshot.Index)
        {
            return;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(metadata.Index, LastIndex, nameof(metadata));
        var term = Term(metadata.Index);
        if (term != metadata.Term)
        {
            throw new ArgumentException($"The snapshot at index {metadata.Index} has term {metadata.Term}, but the log's entry there has term {term}.", nameof(metadata));
        }

        _scratch.ResetWrittenCount();
        SegmentFormat.WriteMarker(_scratch, metadata, installHardState: null);
        await WriteRecordsAsync(_scratch.WrittenMemory);
        await FlushActiveAsync(CancellationToken.None);
        _entries.RemoveRange(0, (int)(metadata.Index - _snapshot.Index));
        _snapshot = new Snapshot(metadata, ReadOnlyMemory<byte>.Empty);
        Invariant.Holds(FirstIndex == metadata.Index + 1, "After a compaction the log starts just after the snapshot.");
        await DeleteCoveredSegmentsAsync();
    }

    /// <inheritdoc />
    /// <remarks>
    /// Starts a new segment whose first record is the snapshot marker (with the hard state), makes it durable, then deletes every older
    /// segment. A crash before the new segment is durable leaves the old log; after it, the snapshot, whatever else survived.
    /// </remarks>
    public async ValueTask InstallSnapshotAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ThrowIfUnusable();
        cancellationToken.ThrowIfCancellationRequested();
        if (metadata.Index <= _snapshot.Index)
        {
            return;
        }

        await RollOverAsync(metadata.Index + 1, metadata);
        for (var i = 0; i < _segments.Count - 1; i++)
        {
            _segments[i].Obsolete = true;
        }

        _entries.Clear();
        _snapshot = new Snapshot(metadata, ReadOnlyMemory<byte>.Empty);
        await DeleteCoveredSegmentsAsync();
    }

    /// <summary>Finds the entries an append really adds: those the snapshot covers are skipped; the rest must be consecutive and leave no gap.</summary>
    private (int Start, int Count) SelectNewEntries(IReadOnlyList<LogEntry> entries)
    {
        var start = 0;
        while (start < entries.Count && (entries[start] ?? throw new ArgumentException("The entries must not contain null.", nameof(entries))).Index < FirstIndex)
        {
            start++;
        }

        if (start == entries.Count)
        {
            return (start, 0);
        }

        if (entries[start].Index > LastIndex + 1)
        {
            throw new ArgumentException($"Entry {entries[start].Index} would leave a gap after the last index {LastIndex}.", nameof(entries));
        }

        for (var i = start + 1; i < entries.Count; i++)
        {
            if (entries[i] is not { } entry || entry.Index != entries[i - 1].Index + 1)
            {
                throw new ArgumentException($"The entries are not consecutive: entry {entries[i]?.Index.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"} follows {entries[i - 1].Index}.", nameof(entries));
            }
        }

        return (start, entries.Count - start);
    }

    /// <summary>Writes encoded records at the end of the active segment, starting a new segment first when this one is full.</summary>
    private async ValueTask WriteRecordsAsync(ReadOnlyMemory<byte> records)
    {
        // Roll over only when the segment holds more than its first record, so one record larger than a segment cannot roll twice.
        if (_writeOffset + records.Length > _options.MaxSegmentBytes && _writeOffset > SegmentFormat.HeaderBytes + SegmentFormat.HardStateRecordBytes)
        {
            await RollOverAsync(LastIndex + 1, install: null);
        }

        try
        {
            await _activeFile.WriteAsync(_writeOffset, records);
        }
        catch (Exception e) when (e is not StorageFullException)
        {
            _failure = e;
            throw;
        }

        // On StorageFullException the offset stays, so the next write overwrites whatever part of this one reached the file; if none
        // does, recovery sees the leftover as a torn tail, and a rollover cuts it off.
        _writeOffset += records.Length;
        _dirty = true;
    }

    private async ValueTask FlushActiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _activeFile.FlushAsync(cancellationToken);
            _dirty = false;
        }
        catch (OperationCanceledException)
        {
            // Only the wait was cancelled; the writes stay unsynced, as after an append without sync.
            throw;
        }
        catch (Exception e)
        {
            _failure = e;
            throw;
        }
    }

    /// <summary>
    /// Seals the active segment and starts the next one at <paramref name="firstIndex"/>, whose first record is the hard state, or for
    /// <paramref name="install"/> the install-snapshot marker. Returns once the new segment and its creation are durable.
    /// </summary>
    private async ValueTask RollOverAsync(ulong firstIndex, SnapshotMetadata? install)
    {
        // Sealing: cut the unused preallocation (and with it anything a failed write left there), then fsync, so that the segment,
        // once no longer the last, has a clean end; recovery treats damage in any segment but the last as corruption.
        try
        {
            if (_activeFile.Length != _writeOffset)
            {
                await _activeFile.SetLengthAsync(_writeOffset);
                _dirty = true;
            }

            if (_dirty)
            {
                await _activeFile.FlushAsync();
                _dirty = false;
            }
        }
        catch (Exception e)
        {
            _failure = e;
            throw;
        }

        Invariant.Holds(_writeOffset >= SegmentFormat.HeaderBytes && !_dirty, "A sealed segment holds its header and is durable.");
        var sequence = _segments[^1].Sequence + 1;
        var name = SegmentFormat.FileName(_options.Prefix, sequence, firstIndex);
        var initial = new ArrayBufferWriter<byte>(256);
        SegmentFormat.WriteHeader(initial.GetSpan(SegmentFormat.HeaderBytes), sequence, firstIndex);
        initial.Advance(SegmentFormat.HeaderBytes);
        if (install is null)
        {
            // Every segment carries the hard state from its start, so deleting older segments never loses it.
            SegmentFormat.WriteHardState(initial, _hardState);
        }
        else
        {
            SegmentFormat.WriteMarker(initial, install, _hardState);
        }

        IStorageFile file;
        try
        {
            file = await CreateSegmentFileAsync(_storage, _options, name, initial.WrittenMemory);
        }
        catch (Exception e) when (e is not StorageFullException)
        {
            _failure = e;
            throw;
        }

        await _activeFile.DisposeAsync();
        _activeFile = file;
        _writeOffset = initial.WrittenCount;
        _dirty = false;
        _segments.Add(new LogSegment(name, sequence, firstIndex));
    }

    /// <summary>Creates a segment file holding <paramref name="initial"/> (header and first record), preallocates it, fsyncs it and its folder.</summary>
    private static async ValueTask<IStorageFile> CreateSegmentFileAsync(IFileStorage storage, SegmentedLogStoreOptions options, string name, ReadOnlyMemory<byte> initial)
    {
        IStorageFile? file = null;
        try
        {
            file = await storage.OpenAsync(name, StorageOpenMode.Truncate);
            await file.WriteAsync(0, initial);
            var preallocate = options.EffectivePreallocateBytes;
            if (preallocate > initial.Length)
            {
                await file.SetLengthAsync(preallocate);
            }

            await file.FlushAsync();
            await storage.SyncDirectoryAsync();
            return file;
        }
        catch (Exception e)
        {
            if (file is not null)
            {
                await file.DisposeAsync();
            }

            if (e is StorageFullException)
            {
                // Nothing in the new segment was acknowledged: remove it durably, so the sealed segment stays the last one and appends
                // can continue there (a half-made segment coming back after a crash would sit after them). A later rollover tries again.
                // Should the removal fail, that exception replaces this one and the store stops.
                await storage.DeleteAsync(name);
                await storage.SyncDirectoryAsync();
            }

            throw;
        }
    }

    /// <summary>
    /// Deletes the oldest segments that nothing needs any more: those before an installed snapshot, and those whose every entry the
    /// snapshot covers. Only a prefix of the segments goes, and never the active one, which holds the snapshot marker just written:
    /// a replay that starts after the deleted segments needs that marker to cover what they held (and the hard state is there too).
    /// </summary>
    private async ValueTask DeleteCoveredSegmentsAsync()
    {
        var removed = 0;
        while (removed < _segments.Count - 1 && (_segments[removed].Obsolete || _segments[removed].MaxIndexWritten <= _snapshot.Index))
        {
            await _storage.DeleteAsync(_segments[removed].Name);
            removed++;
        }

        if (removed > 0)
        {
            _segments.RemoveRange(0, removed);
            await _storage.SyncDirectoryAsync();
        }
    }

    private void ReleaseLargeScratch()
    {
        if (_scratch.Capacity > MaxRetainedScratchBytes)
        {
            _scratch = new ArrayBufferWriter<byte>(4096);
        }
    }
}
