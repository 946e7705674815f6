using System.Buffers;
using System.Buffers.Binary;
using Cluster.Core;

namespace Raft.Core;

public sealed partial class SegmentedLogStore
{
    private const int ZeroChunkBytes = 64 * 1024;

    /// <summary>
    /// Opens the log store under <see cref="SegmentedLogStoreOptions.Prefix"/> of <paramref name="storage"/>, creating an empty one when
    /// there are no segments: replays every segment, cuts off a torn tail, and removes segments an interrupted compaction, snapshot
    /// installation or rollover left behind.
    /// </summary>
    /// <param name="storage">Where the segment files live.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="cancellationToken">Checked between segments.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    /// <exception cref="CorruptDataException">
    /// A record, a header, or the chain of segments is damaged somewhere other than a torn tail; the message names the file and offset.
    /// </exception>
    public static async ValueTask<SegmentedLogStore> OpenAsync(IFileStorage storage, SegmentedLogStoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        options ??= new SegmentedLogStoreOptions();
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();

        var found = FindSegments(storage, options.Prefix);
        var nextSequence = found.Count == 0 ? 1 : found[^1].Sequence + 1;

        // Compaction deletes the oldest segments; if a crash let only some of those deletes reach the disk, the survivors before the
        // hole are leftovers. Replay starts after the last hole, and fails below if what it skipped was still needed.
        var runStart = Math.Max(found.Count - 1, 0);
        while (runStart > 0 && found[runStart - 1].Sequence + 1 == found[runStart].Sequence)
        {
            runStart--;
        }

        var doomed = found.Take(runStart).Select(s => s.Name).ToList();
        var segments = found.Skip(runStart).ToList();
        var scans = new List<SegmentScan>(segments.Count);
        var replay = new LogReplay();
        var markerSegment = -1;
        byte[] buffer = [];
        for (var i = 0; i < segments.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (buffer, var length) = await ReadSegmentAsync(storage, segments[i].Name, buffer, cancellationToken);
            var position = new SegmentPosition(IsFirst: i == 0, IsOldest: i == 0 && runStart == 0, IsLast: i == segments.Count - 1);
            var scan = ScanSegment(buffer, length, segments[i], position, replay);
            if (scan.HasMarker)
            {
                markerSegment = i;
            }

            if (scan.Installed)
            {
                for (var j = 0; j < i; j++)
                {
                    segments[j].Obsolete = true;
                }
            }

            scans.Add(scan);
        }

        if (scans.Count > 0 && scans[^1].Unfinished)
        {
            // A segment whose creation a crash interrupted: nothing in it was acknowledged. The one before it becomes the last again.
            doomed.Add(segments[^1].Name);
            segments.RemoveAt(segments.Count - 1);
            scans.RemoveAt(scans.Count - 1);
        }

        if (replay.Started && !replay.BaseKnown)
        {
            throw new CorruptDataException(segments[0].Name, 0,
                $"the log before index {replay.Offset + 1} is missing: the segments that held it are gone and no snapshot marker covers it");
        }

        // The same rule as after a compaction, with one more bound: the segment holding the latest snapshot marker stays, since a
        // replay that starts after an earlier segment was deleted needs that marker to cover what the deleted segment held.
        var covered = 0;
        var keepFrom = markerSegment >= 0 ? markerSegment : segments.Count - 1;
        while (covered < Math.Min(keepFrom, segments.Count - 1) && (segments[covered].Obsolete || segments[covered].MaxIndexWritten <= replay.Snapshot.Index))
        {
            covered++;
        }

        doomed.AddRange(segments.Take(covered).Select(s => s.Name));
        segments.RemoveRange(0, covered);
        scans.RemoveRange(0, covered);
        return await FinishOpenAsync(storage, options, segments, scans.Count > 0 ? scans[^1] : null, doomed, replay, nextSequence, cancellationToken);
    }

    /// <summary>Repairs the last segment's tail, deletes what recovery found unneeded, and starts the first segment of a new store.</summary>
    private static async ValueTask<SegmentedLogStore> FinishOpenAsync(
        IFileStorage storage,
        SegmentedLogStoreOptions options,
        List<LogSegment> segments,
        SegmentScan? lastScan,
        List<string> doomed,
        LogReplay replay,
        ulong nextSequence,
        CancellationToken cancellationToken)
    {
        IStorageFile? active = null;
        try
        {
            long writeOffset = 0;
            long discarded = 0;
            if (lastScan is { } last)
            {
                active = await storage.OpenAsync(segments[^1].Name, StorageOpenMode.OpenExisting, cancellationToken);
                writeOffset = last.End;
                if (last.TornEnd > last.End)
                {
                    // The next append must not follow garbage: a later reader would take the garbage for damage in the middle.
                    discarded = last.TornEnd - last.End;
                    if (last.TornEnd >= active.Length)
                    {
                        await active.SetLengthAsync(last.End, cancellationToken);
                    }
                    else
                    {
                        await WriteZerosAsync(active, last.End, last.TornEnd, cancellationToken);
                    }

                    await active.FlushAsync(cancellationToken);
                }
            }

            foreach (var name in doomed)
            {
                await storage.DeleteAsync(name, cancellationToken);
            }

            if (doomed.Count > 0)
            {
                // Before anything is appended: a deleted unfinished segment that came back would sit after the new records.
                await storage.SyncDirectoryAsync(cancellationToken);
            }

            if (active is null)
            {
                var firstIndex = replay.LastIndex + 1;
                var name = SegmentFormat.FileName(options.Prefix, nextSequence, firstIndex);
                var initial = new ArrayBufferWriter<byte>(128);
                SegmentFormat.WriteHeader(initial.GetSpan(SegmentFormat.HeaderBytes), nextSequence, firstIndex);
                initial.Advance(SegmentFormat.HeaderBytes);
                SegmentFormat.WriteHardState(initial, replay.HardState);
                active = await CreateSegmentFileAsync(storage, options, name, initial.WrittenMemory);
                segments.Add(new LogSegment(name, nextSequence, firstIndex));
                writeOffset = initial.WrittenCount;
            }

            return new SegmentedLogStore(storage, options, segments, active, writeOffset, replay, discarded);
        }
        catch
        {
            if (active is not null)
            {
                await active.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>The segment files under <paramref name="prefix"/>, in sequence order; other files are left alone.</summary>
    private static List<LogSegment> FindSegments(IFileStorage storage, string prefix)
    {
        var segments = new List<LogSegment>();
        foreach (var name in storage.List(prefix))
        {
            if (SegmentFormat.TryParseFileName(name, prefix, out var sequence, out var firstIndex))
            {
                segments.Add(new LogSegment(name, sequence, firstIndex));
            }
        }

        segments.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        for (var i = 1; i < segments.Count; i++)
        {
            if (segments[i].Sequence == segments[i - 1].Sequence)
            {
                throw new CorruptDataException(segments[i].Name, 0, $"two segments have sequence {segments[i].Sequence} (the other is '{segments[i - 1].Name}')");
            }
        }

        return segments;
    }

    private static async ValueTask<(byte[] Buffer, int Length)> ReadSegmentAsync(IFileStorage storage, string name, byte[] buffer, CancellationToken cancellationToken)
    {
        var file = await storage.OpenAsync(name, StorageOpenMode.OpenExisting, cancellationToken);
        await using (file)
        {
            var length = file.Length;
            if (length > Array.MaxLength)
            {
                throw new CorruptDataException(name, 0, $"a segment of {length} bytes is larger than any this store writes");
            }

            if (buffer.Length < length)
            {
                buffer = new byte[length];
            }

            var read = await file.ReadAsync(0, buffer.AsMemory(0, (int)length), cancellationToken);
            if (read != length)
            {
                throw new IOException($"Read {read} of the {length} bytes of '{name}' in {storage.Location}.");
            }

            return (buffer, (int)length);
        }
    }

    /// <summary>
    /// Checks one segment and replays its records into <paramref name="replay"/>. Damage is a torn tail only in the last segment and
    /// only when no valid record follows it; anywhere else it is reported as corruption.
    /// </summary>
    private static SegmentScan ScanSegment(byte[] buffer, int length, LogSegment segment, SegmentPosition position, LogReplay replay)
    {
        var data = buffer.AsSpan(0, length);
        var header = SegmentFormat.TryReadHeader(data, out var headerReason);
        if (header is null)
        {
            // A header torn by a crash during the segment's creation, before anything in it could be acknowledged.
            if (position.IsLast && SegmentFormat.FindValidRecord(data, -1, data.LastIndexOfAnyExcept((byte)0)) is null)
            {
                return Unfinished(segment, position);
            }

            throw new CorruptDataException(segment.Name, 0, headerReason!);
        }

        if (header.Value.Sequence != segment.Sequence || header.Value.FirstIndex != segment.FirstIndex)
        {
            throw new CorruptDataException(segment.Name, 16,
                $"the header says sequence {header.Value.Sequence} and first index {header.Value.FirstIndex}, the file name {segment.Sequence} and {segment.FirstIndex}");
        }

        var offset = SegmentFormat.HeaderBytes;
        var records = 0;
        var installed = false;
        var hasMarker = false;
        string? stopReason;
        while (SegmentFormat.TryParseRecord(data, offset, out var type, out var payload, out stopReason) == RecordStatus.Valid)
        {
            if (records == 0)
            {
                if (position.IsFirst)
                {
                    replay.Begin(segment.FirstIndex);
                }
                else if (type != LogRecordType.InstallSnapshot && segment.FirstIndex != replay.LastIndex + 1)
                {
                    throw new CorruptDataException(segment.Name, 24,
                        $"the segment starts at index {segment.FirstIndex}, but the segments before it end at index {replay.LastIndex}");
                }
            }

            installed |= type == LogRecordType.InstallSnapshot;
            hasMarker |= type is LogRecordType.InstallSnapshot or LogRecordType.Compaction;
            var reason = Apply(segment, type, data[payload], replay);
            if (reason is not null)
            {
                throw new CorruptDataException(segment.Name, offset, reason);
            }

            records++;
            offset = payload.End.Value;
        }

        var tornEnd = offset;
        var lastNonZero = data[offset..].LastIndexOfAnyExcept((byte)0);
        if (lastNonZero >= 0)
        {
            lastNonZero += offset;
            var what = stopReason ?? "non-zero bytes after the end-of-records mark";
            if (!position.IsLast)
            {
                throw new CorruptDataException(segment.Name, offset, $"{what} in a segment that is not the last, so it is not a torn write");
            }

            if (SegmentFormat.FindValidRecord(data, offset, lastNonZero) is { } later)
            {
                throw new CorruptDataException(segment.Name, offset, $"{what}, and a valid record follows at offset {later}, so it is not a torn write");
            }

            tornEnd = lastNonZero + 1;
        }

        if (records == 0)
        {
            if (position.IsLast)
            {
                return Unfinished(segment, position);
            }

            throw new CorruptDataException(segment.Name, SegmentFormat.HeaderBytes, "a segment that is not the last holds no record");
        }

        return new SegmentScan(offset, tornEnd, installed, hasMarker, Unfinished: false);
    }

    /// <summary>A last segment without a valid record: left by a crash while it was being created, unless nothing comes before it.</summary>
    private static SegmentScan Unfinished(LogSegment segment, SegmentPosition position)
    {
        // Without an earlier segment, only the very first segment of a new store may be empty; any other would mean the log that
        // came before it is gone.
        if (position.IsFirst && !(position.IsOldest && segment.FirstIndex == 1))
        {
            throw new CorruptDataException(segment.Name, 0,
                $"the oldest segment holds no valid record and starts at index {segment.FirstIndex}, so the log before it is missing");
        }

        return new SegmentScan(0, 0, Installed: false, HasMarker: false, Unfinished: true);
    }

    private static string? Apply(LogSegment segment, LogRecordType type, ReadOnlySpan<byte> payload, LogReplay replay)
    {
        switch (type)
        {
            case LogRecordType.Entries:
                if (!SegmentFormat.TryReadEntries(payload, out var firstIndex, out var entries, out var reason))
                {
                    return reason;
                }

                segment.NoteWritten(firstIndex + (ulong)entries.Count - 1);
                return replay.Append(firstIndex, entries);
            case LogRecordType.HardState:
                replay.SetHardState(SegmentFormat.ReadHardState(payload));
                return null;
            case LogRecordType.Truncate:
                return replay.Truncate(BinaryPrimitives.ReadUInt64LittleEndian(payload));
            case LogRecordType.Compaction:
                return SegmentFormat.TryReadMetadata(payload.ToArray()) is { } compacted
                    ? replay.Compact(compacted)
                    : "a compaction marker whose snapshot metadata cannot be decoded";
            case LogRecordType.InstallSnapshot:
                return SegmentFormat.TryReadMetadata(payload[SegmentFormat.HardStateBytes..].ToArray()) is { } installed
                    ? replay.Install(installed, SegmentFormat.ReadHardState(payload))
                    : "an install-snapshot marker whose snapshot metadata cannot be decoded";
            default:
                return $"unknown record type {(byte)type}";
        }
    }

    private static async ValueTask WriteZerosAsync(IStorageFile file, long from, long to, CancellationToken cancellationToken)
    {
        var zeros = new byte[(int)Math.Min(ZeroChunkBytes, to - from)];
        for (var position = from; position < to; position += zeros.Length)
        {
            await file.WriteAsync(position, zeros.AsMemory(0, (int)Math.Min(zeros.Length, to - position)), cancellationToken);
        }
    }
}
