using System.Buffers.Binary;
using Cluster.Core;

namespace Gfs;

/// <summary>
/// Self-validating, self-identifying records for record append (SOSP'03 §2.7.2): each record carries a magic number, its
/// length, a writer-chosen unique id and a CRC-32C, so a reader skips padding and the garbage a failed append leaves, and drops
/// the duplicates a retried append leaves by id.
/// </summary>
public static class GfsRecords
{
    /// <summary>The bytes a record adds to its payload.</summary>
    public const int HeaderBytes = 20;

    private const uint Magic = 0x52534647; // "GFSR" little-endian

    /// <summary>Encodes <paramref name="payload"/> as a record with id <paramref name="recordId"/>.</summary>
    public static byte[] Encode(ulong recordId, ReadOnlySpan<byte> payload)
    {
        var record = new byte[HeaderBytes + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(record, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(4), payload.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(8), recordId);
        payload.CopyTo(record.AsSpan(HeaderBytes));
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(16), Checksum(record));
        return record;
    }

    /// <summary>
    /// The valid records in <paramref name="data"/> (for example a whole file read back) in order, each once: padding and
    /// garbage are skipped, and a record whose id was seen earlier is dropped.
    /// </summary>
    public static IReadOnlyList<GfsRecord> Decode(ReadOnlySpan<byte> data)
    {
        var result = new List<GfsRecord>();
        var seen = new HashSet<ulong>();
        var position = 0;
        while (position + HeaderBytes <= data.Length)
        {
            var rest = data[position..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(rest) != Magic)
            {
                position++;
                continue;
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(rest[4..]);
            if (length < 0 || length > rest.Length - HeaderBytes
                || BinaryPrimitives.ReadUInt32LittleEndian(rest[16..]) != Checksum(rest[..(HeaderBytes + length)]))
            {
                position++;
                continue;
            }

            var id = BinaryPrimitives.ReadUInt64LittleEndian(rest[8..]);
            if (seen.Add(id))
            {
                result.Add(new GfsRecord(position, id, rest.Slice(HeaderBytes, length).ToArray()));
            }

            position += HeaderBytes + length;
        }

        return result;
    }

    private static uint Checksum(ReadOnlySpan<byte> record)
    {
        // Over length, id and payload; the checksum field itself is left out.
        var crc = Crc32C.Append(0, record.Slice(4, 12));
        return Crc32C.Append(crc, record[HeaderBytes..]);
    }
}
