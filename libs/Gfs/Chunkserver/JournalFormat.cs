using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using Cluster.Core;

namespace Gfs;

/// <summary>
/// The bytes of a chunk's metadata journal: a sequence of records, each a 16-byte header and a payload, all little-endian.
/// </summary>
/// <remarks>
/// <para>Header: magic <c>GFSJ</c> (u32), payload length (u32), CRC-32C of the payload (u32), CRC-32C of the first 12 header
/// bytes (u32). Payload: kind (u8), flags (u8, bit 0 = redo), zero (u16), checksum count (u32), handle (u64), version (u64),
/// length (i64), corrupt block (i64, -1 for none), first block (i64), then one u32 CRC-32C per block, then for a redo record the
/// chunk offset (i64) and the data to its end.</para>
/// <para>The header has its own checksum so a torn header is recognised before its length is trusted. A record that fails its
/// checks is a torn tail — the one unacknowledged record being written at the crash — when no valid record follows it anywhere
/// in the file; otherwise the journal is damaged.</para>
/// </remarks>
internal static class JournalFormat
{
    /// <summary>The size of a record header.</summary>
    public const int HeaderBytes = 16;

    /// <summary>The size of the fixed part of a payload.</summary>
    public const int FixedPayloadBytes = 48;

    private const uint Magic = 0x4A534647; // "GFSJ" read as a little-endian u32
    private const byte RedoFlag = 1;
    private const int RedoOffsetBytes = 8;

    /// <summary>The size of a whole record with <paramref name="crcCount"/> checksums and, when <paramref name="hasRedo"/>, <paramref name="redoBytes"/> of data.</summary>
    public static int RecordBytes(int crcCount, bool hasRedo, int redoBytes) =>
        checked(HeaderBytes + FixedPayloadBytes + (4 * crcCount) + (hasRedo ? RedoOffsetBytes + redoBytes : 0));

    /// <summary>The size of <paramref name="record"/> once encoded.</summary>
    public static int RecordBytes(JournalRecord record) => RecordBytes(record.Crcs.Length, record.HasRedo, record.Redo.Length);

    /// <summary>The largest payload a valid record of a chunk of <paramref name="chunkSizeBytes"/> can have: a snapshot or a whole-chunk redo.</summary>
    public static long MaxPayloadBytes(long chunkSizeBytes) =>
        FixedPayloadBytes + (4 * ChunkStore.BlockCount(chunkSizeBytes)) + RedoOffsetBytes + chunkSizeBytes;

    /// <summary>Encodes <paramref name="record"/> at the start of <paramref name="destination"/>.</summary>
    /// <returns>The number of bytes written.</returns>
    public static int Encode(JournalRecord record, Span<byte> destination)
    {
        var size = RecordBytes(record);
        var payload = destination[HeaderBytes..size];
        payload[0] = (byte)record.Kind;
        payload[1] = record.HasRedo ? RedoFlag : (byte)0;
        BinaryPrimitives.WriteUInt16LittleEndian(payload[2..], 0);
        BinaryPrimitives.WriteInt32LittleEndian(payload[4..], record.Crcs.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(payload[8..], record.Handle);
        BinaryPrimitives.WriteUInt64LittleEndian(payload[16..], record.Version);
        BinaryPrimitives.WriteInt64LittleEndian(payload[24..], record.Length);
        BinaryPrimitives.WriteInt64LittleEndian(payload[32..], record.CorruptBlock);
        BinaryPrimitives.WriteInt64LittleEndian(payload[40..], record.FirstBlock);
        var crcs = record.Crcs.Span;
        for (var i = 0; i < crcs.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(payload[(FixedPayloadBytes + (4 * i))..], crcs[i]);
        }

        if (record.HasRedo)
        {
            var at = FixedPayloadBytes + (4 * crcs.Length);
            BinaryPrimitives.WriteInt64LittleEndian(payload[at..], record.RedoOffset);
            record.Redo.Span.CopyTo(payload[(at + RedoOffsetBytes)..]);
        }

        var header = destination[..HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Compute(payload));
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], Crc32C.Compute(header[..12]));
        return size;
    }

    /// <summary>Reads a whole journal file and folds its records into the state they describe.</summary>
    public static async Task<JournalScan> ScanAsync(IStorageFile file, ulong handle, long chunkSizeBytes, CancellationToken cancellationToken)
    {
        var length = file.Length;
        if (length > Array.MaxLength)
        {
            return new JournalScan { DamageOffset = 0, DamageReason = string.Create(CultureInfo.InvariantCulture, $"the journal is {length} bytes long, far more than any valid journal") };
        }

        var bytes = new byte[length];
        var read = await file.ReadAsync(0, bytes, cancellationToken);
        return Scan(bytes.AsSpan(0, read), handle, chunkSizeBytes);
    }

    /// <summary>Folds the records of a journal's bytes into the state they describe, finding a torn tail or damage.</summary>
    public static JournalScan Scan(ReadOnlySpan<byte> journal, ulong handle, long chunkSizeBytes)
    {
        var scan = new JournalScan();
        var maxPayload = MaxPayloadBytes(chunkSizeBytes);
        var offset = 0;
        while (offset < journal.Length)
        {
            var status = TryReadRecord(journal, offset, maxPayload, out var payloadBytes, out var reason);
            if (status == ReadStatus.Valid)
            {
                var payload = journal.Slice(offset + HeaderBytes, payloadBytes);
                var record = Decode(payload, handle, chunkSizeBytes, out reason);
                if (record is null || !Fold(scan, record, out reason))
                {
                    // The checksums hold, so this record was written whole: its content is wrong, not torn.
                    scan.DamageOffset = offset;
                    scan.DamageReason = reason;
                    break;
                }

                offset += HeaderBytes + payloadBytes;
                scan.ValidEnd = offset;
                continue;
            }

            if (FindValidRecord(journal, offset, maxPayload) is { } later)
            {
                scan.DamageOffset = offset;
                scan.DamageReason = string.Create(CultureInfo.InvariantCulture, $"{reason}, and a valid record follows at offset {later}, so it is not a torn write");
                break;
            }

            scan.TornBytes = journal.Length - offset;
            break;
        }

        return scan;
    }

    private enum ReadStatus
    {
        Valid,
        Invalid,
    }

    private static ReadStatus TryReadRecord(ReadOnlySpan<byte> journal, int offset, long maxPayload, out int payloadBytes, out string reason)
    {
        payloadBytes = 0;
        var rest = journal[offset..];
        if (rest.Length < HeaderBytes)
        {
            reason = "an incomplete record header";
            return ReadStatus.Invalid;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(rest) != Magic || BinaryPrimitives.ReadUInt32LittleEndian(rest[12..]) != Crc32C.Compute(rest[..12]))
        {
            reason = "a record header with a bad magic number or checksum";
            return ReadStatus.Invalid;
        }

        var declared = BinaryPrimitives.ReadUInt32LittleEndian(rest[4..]);
        if (declared < FixedPayloadBytes || declared > maxPayload)
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"a record with an impossible payload length {declared}");
            return ReadStatus.Invalid;
        }

        if (declared > rest.Length - HeaderBytes)
        {
            reason = "a record that runs past the end of the file";
            return ReadStatus.Invalid;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(rest[8..]) != Crc32C.Compute(rest.Slice(HeaderBytes, (int)declared)))
        {
            reason = "a record payload checksum mismatch";
            return ReadStatus.Invalid;
        }

        payloadBytes = (int)declared;
        reason = string.Empty;
        return ReadStatus.Valid;
    }

    /// <summary>The offset of the first whole valid record after <paramref name="after"/>, or null: tells a torn tail from damage in the middle.</summary>
    private static int? FindValidRecord(ReadOnlySpan<byte> journal, int after, long maxPayload)
    {
        // The magic number is checked first, so random garbage costs one comparison per offset.
        for (var offset = after + 1; offset + HeaderBytes <= journal.Length; offset++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(journal[offset..]) == Magic && TryReadRecord(journal, offset, maxPayload, out _, out _) == ReadStatus.Valid)
            {
                return offset;
            }
        }

        return null;
    }

    private static JournalRecord? Decode(ReadOnlySpan<byte> payload, ulong handle, long chunkSizeBytes, out string reason)
    {
        var kind = (JournalRecordKind)payload[0];
        var flags = payload[1];
        var count = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        var recordHandle = BinaryPrimitives.ReadUInt64LittleEndian(payload[8..]);
        var length = BinaryPrimitives.ReadInt64LittleEndian(payload[24..]);
        var corruptBlock = BinaryPrimitives.ReadInt64LittleEndian(payload[32..]);
        var firstBlock = BinaryPrimitives.ReadInt64LittleEndian(payload[40..]);
        var hasRedo = (flags & RedoFlag) != 0;
        reason = string.Empty;
        if (kind is not (JournalRecordKind.Snapshot or JournalRecordKind.Update) || (flags & ~RedoFlag) != 0 || BinaryPrimitives.ReadUInt16LittleEndian(payload[2..]) != 0)
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"a record of unknown kind {(byte)kind} or flags {flags}");
            return null;
        }

        if (recordHandle != handle)
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"a record of chunk {recordHandle:x16} in the journal of chunk {handle:x16}");
            return null;
        }

        var blocks = length is >= 0 and <= ChunkStoreOptions.MaxChunkSizeBytes ? ChunkStore.BlockCount(length) : -1;
        if (length < 0 || length > chunkSizeBytes || corruptBlock < -1 || corruptBlock >= Math.Max(1, blocks)
            || count < 0 || firstBlock < 0 || firstBlock + count > blocks
            || (kind == JournalRecordKind.Snapshot && (firstBlock != 0 || count != blocks || hasRedo)))
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"a record with impossible fields (length {length}, first block {firstBlock}, {count} checksums, corrupt block {corruptBlock})");
            return null;
        }

        var crcBytes = 4L * count;
        var fixedEnd = FixedPayloadBytes + crcBytes + (hasRedo ? RedoOffsetBytes : 0);
        if (fixedEnd > payload.Length || (!hasRedo && fixedEnd != payload.Length))
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"a record whose {payload.Length} payload bytes do not hold {count} checksums");
            return null;
        }

        var crcs = MemoryMarshal.Cast<byte, uint>(payload.Slice(FixedPayloadBytes, (int)crcBytes)).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(crcs, crcs);
        }

        long redoOffset = 0;
        byte[] redo = [];
        if (hasRedo)
        {
            redoOffset = BinaryPrimitives.ReadInt64LittleEndian(payload[(int)(fixedEnd - RedoOffsetBytes)..]);
            redo = payload[(int)fixedEnd..].ToArray();
            if (redoOffset < 0 || redoOffset + redo.Length > length)
            {
                reason = string.Create(CultureInfo.InvariantCulture, $"a redo record of {redo.Length} bytes at offset {redoOffset} past the length {length}");
                return null;
            }
        }

        return new JournalRecord
        {
            Kind = kind,
            Handle = recordHandle,
            Version = BinaryPrimitives.ReadUInt64LittleEndian(payload[16..]),
            Length = length,
            CorruptBlock = corruptBlock,
            FirstBlock = firstBlock,
            Crcs = crcs,
            HasRedo = hasRedo,
            RedoOffset = redoOffset,
            Redo = redo,
        };
    }

    private static bool Fold(JournalScan scan, JournalRecord record, out string reason)
    {
        reason = string.Empty;
        if (scan.Records == 0 && record.Kind != JournalRecordKind.Snapshot)
        {
            reason = "the first record is not a snapshot";
            return false;
        }

        if (record.Kind == JournalRecordKind.Snapshot)
        {
            scan.Crcs = record.Crcs.ToArray();
            scan.CorruptBlock = -1;
        }
        else
        {
            var needed = (int)(record.FirstBlock + record.Crcs.Length);
            if (needed > scan.Crcs.Length)
            {
                var grown = new uint[Math.Max(needed, 2 * scan.Crcs.Length)];
                scan.Crcs.CopyTo(grown, 0);
                scan.Crcs = grown;
            }

            record.Crcs.Span.CopyTo(scan.Crcs.AsSpan((int)record.FirstBlock));
        }

        // A corrupt mark is sticky: nothing but a delete takes it away.
        if (scan.CorruptBlock < 0)
        {
            scan.CorruptBlock = record.CorruptBlock;
        }

        scan.Version = record.Version;
        scan.Length = record.Length;
        scan.LastRecord = record;
        scan.Records++;
        return true;
    }
}
