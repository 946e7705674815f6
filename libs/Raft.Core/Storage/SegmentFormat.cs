using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Cluster.Core;
using MessagePack;

namespace Raft.Core;

/// <summary>
/// The on-disk layout of a <see cref="SegmentedLogStore"/> segment (little-endian throughout).
/// </summary>
/// <remarks>
/// <code>
/// header (40 bytes): 0 u64 magic "RAFTLOG\x01"  8 u16 format version  10 u16 0  12 u32 0
///                   16 u64 sequence  24 u64 first index  32 u32 CRC-32C of bytes 0..31  36 u32 0
/// record:           0 u32 length of type + payload (at least 1)  4 u32 CRC-32C of type + payload  8 u8 type  9 payload
/// </code>
/// Records follow the header back to back; a length of zero marks the end (the zeros of a preallocated tail). Payloads:
/// <list type="bullet">
/// <item>entries: u64 first index, u32 count, then per entry u64 term, u8 kind, u32 data length, data.</item>
/// <item>hard state: u64 term, u64 vote, u64 commit.</item>
/// <item>truncate: u64 the first index dropped.</item>
/// <item>compaction: the <see cref="SnapshotMetadata"/> as MessagePack.</item>
/// <item>install snapshot: the hard state as above, then the <see cref="SnapshotMetadata"/> as MessagePack.</item>
/// </list>
/// </remarks>
internal static class SegmentFormat
{
    /// <summary>"RAFTLOG" followed by 0x01, read as a little-endian integer.</summary>
    public const ulong Magic = 0x0147_4F4C_5446_4152;
    public const ushort FormatVersion = 1;
    public const int HeaderBytes = 40;

    /// <summary>The length and checksum fields in front of every record's type and payload.</summary>
    public const int FrameBytes = 8;

    public const int EntriesPayloadHeaderBytes = 12;
    public const int EntryHeaderBytes = 13;
    public const int HardStateBytes = 24;
    public const int HardStateRecordBytes = FrameBytes + 1 + HardStateBytes;
    public const int TruncateRecordBytes = FrameBytes + 1 + 8;

    /// <summary>The most bytes a snapshot marker's payload may take; a membership list never comes near it.</summary>
    public const int MaxMarkerPayloadBytes = 1024 * 1024;

    private const string NamePrefix = "log-";
    private const string NameSuffix = ".seg";
    private const int NumberDigits = 20;

    private static readonly MessagePackSerializerOptions SerializerOptions =
        MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>The file name of a segment: <c>log-&lt;sequence&gt;-&lt;first index&gt;.seg</c>, both as 20 decimal digits so names sort in sequence order.</summary>
    public static string FileName(string prefix, ulong sequence, ulong firstIndex) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}{NamePrefix}{sequence:D20}-{firstIndex:D20}{NameSuffix}");

    /// <summary>Parses a name made by <see cref="FileName"/>; false for any other file.</summary>
    public static bool TryParseFileName(string name, string prefix, out ulong sequence, out ulong firstIndex)
    {
        sequence = 0;
        firstIndex = 0;
        var expectedLength = prefix.Length + NamePrefix.Length + NumberDigits + 1 + NumberDigits + NameSuffix.Length;
        if (name.Length != expectedLength || !name.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var local = name.AsSpan(prefix.Length);
        return local.StartsWith(NamePrefix, StringComparison.Ordinal)
            && local.EndsWith(NameSuffix, StringComparison.Ordinal)
            && local[NamePrefix.Length + NumberDigits] == '-'
            && TryParseNumber(local.Slice(NamePrefix.Length, NumberDigits), out sequence)
            && TryParseNumber(local.Slice(NamePrefix.Length + NumberDigits + 1, NumberDigits), out firstIndex);
    }

    public static void WriteHeader(Span<byte> destination, ulong sequence, ulong firstIndex)
    {
        var header = destination[..HeaderBytes];
        header.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], FormatVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], sequence);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], firstIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(header[32..], Crc32C.Compute(header[..32]));
    }

    /// <summary>Reads a segment header, or explains why the bytes are not one.</summary>
    public static (ulong Sequence, ulong FirstIndex)? TryReadHeader(ReadOnlySpan<byte> source, out string? reason)
    {
        if (source.Length < HeaderBytes)
        {
            reason = "the file is shorter than a segment header";
            return null;
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(source) != Magic)
        {
            reason = "bad segment magic";
            return null;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(source[32..]) != Crc32C.Compute(source[..32]))
        {
            reason = "segment header checksum mismatch";
            return null;
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(source[8..]);
        if (version != FormatVersion)
        {
            reason = $"segment format version {version} is not supported (this build reads version {FormatVersion})";
            return null;
        }

        reason = null;
        return (BinaryPrimitives.ReadUInt64LittleEndian(source[16..]), BinaryPrimitives.ReadUInt64LittleEndian(source[24..]));
    }

    /// <summary>The bytes an entries record for <paramref name="count"/> entries from <paramref name="start"/> takes, frame included.</summary>
    public static long EntriesRecordBytes(IReadOnlyList<LogEntry> entries, int start, int count)
    {
        long total = FrameBytes + 1 + EntriesPayloadHeaderBytes;
        for (var i = start; i < start + count; i++)
        {
            total += EntryHeaderBytes + entries[i].Data.Length;
        }

        return total;
    }

    public static void WriteEntries(ArrayBufferWriter<byte> writer, IReadOnlyList<LogEntry> entries, int start, int count)
    {
        var total = EntriesRecordBytes(entries, start, count);
        if (total > int.MaxValue - 64)
        {
            throw new ArgumentException($"The entries take {total} bytes; one append must stay under 2 GiB.", nameof(entries));
        }

        var record = writer.GetSpan((int)total)[..(int)total];
        record[FrameBytes] = (byte)LogRecordType.Entries;
        var payload = record[(FrameBytes + 1)..];
        BinaryPrimitives.WriteUInt64LittleEndian(payload, entries[start].Index);
        BinaryPrimitives.WriteUInt32LittleEndian(payload[8..], (uint)count);
        var position = EntriesPayloadHeaderBytes;
        for (var i = start; i < start + count; i++)
        {
            var entry = entries[i];
            BinaryPrimitives.WriteUInt64LittleEndian(payload[position..], entry.Term);
            payload[position + 8] = (byte)entry.Kind;
            BinaryPrimitives.WriteUInt32LittleEndian(payload[(position + 9)..], (uint)entry.Data.Length);
            entry.Data.Span.CopyTo(payload[(position + EntryHeaderBytes)..]);
            position += EntryHeaderBytes + entry.Data.Length;
        }

        Seal(record);
        writer.Advance((int)total);
    }

    public static void WriteHardState(ArrayBufferWriter<byte> writer, HardState state)
    {
        var record = writer.GetSpan(HardStateRecordBytes)[..HardStateRecordBytes];
        record[FrameBytes] = (byte)LogRecordType.HardState;
        WriteHardStateFields(record[(FrameBytes + 1)..], state);
        Seal(record);
        writer.Advance(HardStateRecordBytes);
    }

    public static void WriteTruncate(ArrayBufferWriter<byte> writer, ulong fromIndex)
    {
        var record = writer.GetSpan(TruncateRecordBytes)[..TruncateRecordBytes];
        record[FrameBytes] = (byte)LogRecordType.Truncate;
        BinaryPrimitives.WriteUInt64LittleEndian(record[(FrameBytes + 1)..], fromIndex);
        Seal(record);
        writer.Advance(TruncateRecordBytes);
    }

    /// <summary>Writes a compaction marker, or with <paramref name="installHardState"/> an install-snapshot marker carrying that hard state.</summary>
    public static void WriteMarker(ArrayBufferWriter<byte> writer, SnapshotMetadata metadata, HardState? installHardState)
    {
        var encoded = MessagePackSerializer.Serialize(metadata, SerializerOptions);
        var payloadBytes = encoded.Length + (installHardState is null ? 0 : HardStateBytes);
        if (payloadBytes > MaxMarkerPayloadBytes)
        {
            throw new ArgumentException($"The snapshot metadata encodes to {payloadBytes} bytes, more than the {MaxMarkerPayloadBytes} a marker may hold.", nameof(metadata));
        }

        var total = FrameBytes + 1 + payloadBytes;
        var record = writer.GetSpan(total)[..total];
        var payload = record[(FrameBytes + 1)..];
        if (installHardState is { } state)
        {
            record[FrameBytes] = (byte)LogRecordType.InstallSnapshot;
            WriteHardStateFields(payload, state);
            payload = payload[HardStateBytes..];
        }
        else
        {
            record[FrameBytes] = (byte)LogRecordType.Compaction;
        }

        encoded.CopyTo(payload);
        Seal(record);
        writer.Advance(total);
    }

    public static HardState ReadHardState(ReadOnlySpan<byte> payload) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(payload),
        new NodeId(BinaryPrimitives.ReadUInt64LittleEndian(payload[8..])),
        BinaryPrimitives.ReadUInt64LittleEndian(payload[16..]));

    /// <summary>Decodes a marker's metadata; null when the bytes are not valid MessagePack for it.</summary>
    public static SnapshotMetadata? TryReadMetadata(ReadOnlyMemory<byte> encoded)
    {
        try
        {
            var metadata = MessagePackSerializer.Deserialize<SnapshotMetadata>(encoded, SerializerOptions, out var read);
            return read == encoded.Length ? metadata : null;
        }
        catch (MessagePackSerializationException)
        {
            return null;
        }
    }

    /// <summary>
    /// Decodes an entries payload into entries whose data share one copied array (so the segment buffer can be reused).
    /// </summary>
    /// <returns>False, with a reason, when the payload's framing does not hold.</returns>
    public static bool TryReadEntries(ReadOnlySpan<byte> payload, out ulong firstIndex, out List<LogEntry> entries, out string? reason)
    {
        entries = [];
        firstIndex = 0;
        if (!FramingHolds(payload, out var count))
        {
            reason = "the entries record's framing does not add up to its length";
            return false;
        }

        firstIndex = BinaryPrimitives.ReadUInt64LittleEndian(payload);
        var copy = payload.ToArray();
        var position = EntriesPayloadHeaderBytes;
        for (var i = 0; i < count; i++)
        {
            var kind = (EntryKind)copy[position + 8];
            if (!Enum.IsDefined(kind))
            {
                reason = $"entry {firstIndex + (ulong)i} has the unknown kind {(byte)kind}";
                return false;
            }

            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(position + 9));
            entries.Add(new LogEntry
            {
                Index = firstIndex + (ulong)i,
                Term = BinaryPrimitives.ReadUInt64LittleEndian(copy.AsSpan(position)),
                Kind = kind,
                Data = length == 0 ? ReadOnlyMemory<byte>.Empty : copy.AsMemory(position + EntryHeaderBytes, length),
            });
            position += EntryHeaderBytes + length;
        }

        reason = null;
        return true;
    }

    /// <summary>Looks for a record at <paramref name="offset"/> of <paramref name="segment"/>.</summary>
    /// <param name="segment">The whole segment as read.</param>
    /// <param name="offset">Where the record would start.</param>
    /// <param name="type">The record's type when valid.</param>
    /// <param name="payload">Where the payload starts and how long it is, when valid.</param>
    /// <param name="reason">Why the bytes are not a record, when invalid.</param>
    public static RecordStatus TryParseRecord(ReadOnlySpan<byte> segment, int offset, out LogRecordType type, out Range payload, out string? reason)
    {
        type = 0;
        payload = default;
        var remaining = segment.Length - offset;
        if (remaining < 4)
        {
            // Fewer bytes than a length field: all zeros is the end of the records, anything else a cut-off frame.
            reason = "a record frame cut off by the end of the file";
            return segment[offset..].ContainsAnyExcept((byte)0) ? RecordStatus.Invalid : RecordStatus.End;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(segment[offset..]);
        if (length == 0)
        {
            reason = null;
            return RecordStatus.End;
        }

        if (remaining < FrameBytes || length > remaining - FrameBytes)
        {
            reason = $"a record of {length} bytes runs past the end of the file";
            return RecordStatus.Invalid;
        }

        var body = segment.Slice(offset + FrameBytes, (int)length);
        if (BinaryPrimitives.ReadUInt32LittleEndian(segment[(offset + 4)..]) != Crc32C.Compute(body))
        {
            reason = "record checksum mismatch";
            return RecordStatus.Invalid;
        }

        type = (LogRecordType)body[0];
        if (!IsPlausible(type, body[1..]))
        {
            reason = $"a record of unknown type {(byte)type} or impossible size {length}";
            return RecordStatus.Invalid;
        }

        payload = new Range(offset + FrameBytes + 1, offset + FrameBytes + (int)length);
        reason = null;
        return RecordStatus.Valid;
    }

    /// <summary>
    /// Whether any offset in (<paramref name="after"/>, <paramref name="lastNonZero"/>] starts a whole valid record: the test that
    /// tells a torn tail (nothing valid follows the damage) from damage in the middle of the records.
    /// </summary>
    /// <returns>The offset of the first valid record found, or null.</returns>
    public static int? FindValidRecord(ReadOnlySpan<byte> segment, int after, int lastNonZero)
    {
        // A record's length field is non-zero, so no record starts after the last non-zero byte. The cheap checks (type,
        // fixed sizes, the entries framing) run before the checksum, so random garbage costs a few reads per offset.
        for (var offset = after + 1; offset <= lastNonZero && offset + FrameBytes < segment.Length; offset++)
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(segment[offset..]);
            if (length == 0 || length > segment.Length - offset - FrameBytes)
            {
                continue;
            }

            var body = segment.Slice(offset + FrameBytes, (int)length);
            if (IsPlausible((LogRecordType)body[0], body[1..])
                && BinaryPrimitives.ReadUInt32LittleEndian(segment[(offset + 4)..]) == Crc32C.Compute(body))
            {
                return offset;
            }
        }

        return null;
    }

    /// <summary>Whether a payload has the size its type requires (checked before the checksum when searching garbage).</summary>
    private static bool IsPlausible(LogRecordType type, ReadOnlySpan<byte> payload) => type switch
    {
        LogRecordType.Entries => FramingHolds(payload, out _),
        LogRecordType.HardState => payload.Length == HardStateBytes,
        LogRecordType.Truncate => payload.Length == 8,
        LogRecordType.Compaction => payload.Length is > 0 and <= MaxMarkerPayloadBytes,
        LogRecordType.InstallSnapshot => payload.Length is > HardStateBytes and <= MaxMarkerPayloadBytes,
        _ => false,
    };

    /// <summary>Whether the entry headers of an entries payload chain exactly to its end.</summary>
    private static bool FramingHolds(ReadOnlySpan<byte> payload, out int count)
    {
        count = 0;
        if (payload.Length < EntriesPayloadHeaderBytes + EntryHeaderBytes)
        {
            return false;
        }

        var declared = BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]);
        if (declared == 0 || declared > (uint)((payload.Length - EntriesPayloadHeaderBytes) / EntryHeaderBytes))
        {
            return false;
        }

        long position = EntriesPayloadHeaderBytes;
        for (var i = 0; i < declared; i++)
        {
            if (position + EntryHeaderBytes > payload.Length)
            {
                return false;
            }

            position += EntryHeaderBytes + (long)BinaryPrimitives.ReadUInt32LittleEndian(payload[(int)(position + 9)..]);
        }

        count = (int)declared;
        return position == payload.Length;
    }

    private static void WriteHardStateFields(Span<byte> destination, HardState state)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, state.Term);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], state.Vote.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], state.Commit);
    }

    /// <summary>Fills in the length and checksum of a record whose type and payload are in place.</summary>
    private static void Seal(Span<byte> record)
    {
        var body = record[FrameBytes..];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32C.Compute(body));
    }

    private static bool TryParseNumber(ReadOnlySpan<char> digits, out ulong value) =>
        ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
