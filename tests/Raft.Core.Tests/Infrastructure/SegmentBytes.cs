using System.Buffers.Binary;

namespace Raft.Core.Tests.Infrastructure;

/// <summary>Walks the records of a segment file's bytes, so tests can aim damage at a chosen record.</summary>
internal static class SegmentBytes
{
    public const int HeaderBytes = 40;

    /// <summary>The start offset and total length of every record, in order, up to the end-of-records mark.</summary>
    public static IReadOnlyList<(int Offset, int Length)> Records(byte[] segment)
    {
        var records = new List<(int, int)>();
        var offset = HeaderBytes;
        while (offset + 4 <= segment.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(segment.AsSpan(offset));
            if (length == 0)
            {
                break;
            }

            records.Add((offset, 8 + length));
            offset += 8 + length;
        }

        return records;
    }
}
