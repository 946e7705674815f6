using System.Buffers.Binary;
using Cluster.Core;

namespace Haystack;

/// <summary>
/// The on-disk layout of a needle and of a volume's superblock (little-endian throughout).
/// </summary>
/// <remarks>
/// <code>
/// needle:  0 u32 header magic   4 u64 cookie   12 u64 key   20 u32 alternate key
///         24 u8 flags  25 u8 ~flags  26 u16 reserved  28 u32 data size  32 data[size]
///         32+size u32 footer magic  36+size u32 CRC-32C  then zero padding to a multiple of 8
/// </code>
/// The checksum covers the header (flags excepted, since a delete rewrites them in place) and the
/// data; the flags are guarded by their complement, so a single flipped bit anywhere is detected.
/// </remarks>
internal static class NeedleFormat
{
    public const uint HeaderMagic = 0x4C44454E; // "NEDL"
    public const uint FooterMagic = 0x4C49414B; // "KAIL"
    public const int HeaderBytes = 32;
    public const int FooterBytes = 8;
    public const int Alignment = 8;
    public const int FlagsOffset = 24;
    public const byte DeletedFlag = 0x01;

    public const ulong SuperblockMagic = 0x4B43_5453_5941_4821; // "!HAYSTCK"
    public const ushort FormatVersion = 1;
    public const int SuperblockBytes = 64;

    /// <summary>The bytes a needle with <paramref name="dataSize"/> bytes of data takes on disk.</summary>
    public static long NeedleBytes(long dataSize) => Align(HeaderBytes + dataSize + FooterBytes);

    public static long Align(long value) => (value + Alignment - 1) & ~(long)(Alignment - 1);

    /// <summary>Writes a whole needle, padding included, into <paramref name="destination"/>.</summary>
    public static void Write(Span<byte> destination, ulong key, uint alternateKey, ulong cookie, ReadOnlySpan<byte> data, byte flags = 0)
    {
        var total = (int)NeedleBytes(data.Length);
        Invariant.Check(destination.Length >= total, "The needle buffer must hold the whole needle.");
        var header = destination[..HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, HeaderMagic);
        BinaryPrimitives.WriteUInt64LittleEndian(header[4..], cookie);
        BinaryPrimitives.WriteUInt64LittleEndian(header[12..], key);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], alternateKey);
        header[24] = flags;
        header[25] = (byte)~flags;
        BinaryPrimitives.WriteUInt16LittleEndian(header[26..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], (uint)data.Length);
        data.CopyTo(destination[HeaderBytes..]);
        var footer = destination.Slice(HeaderBytes + data.Length, FooterBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(footer, FooterMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(footer[4..], Checksum(header, data));
        destination[(HeaderBytes + data.Length + FooterBytes)..total].Clear();
    }

    /// <summary>The two flag bytes as a delete writes them.</summary>
    public static void WriteFlags(Span<byte> destination, byte flags)
    {
        destination[0] = flags;
        destination[1] = (byte)~flags;
    }

    /// <summary>Reads the header fields without checking the checksum; null when the magic or flags guard is wrong.</summary>
    public static NeedleHeader? TryReadHeader(ReadOnlySpan<byte> header, bool tolerateTornFlags = false)
    {
        if (header.Length < HeaderBytes || BinaryPrimitives.ReadUInt32LittleEndian(header) != HeaderMagic)
        {
            return null;
        }

        var flags = header[24];
        if (BinaryPrimitives.ReadUInt16LittleEndian(header[26..]) != 0)
        {
            return null;
        }

        if ((byte)~flags != header[25])
        {
            if (!tolerateTornFlags)
            {
                return null;
            }

            // Only a delete rewrites the flags, and only after its tombstone is durable: a torn pair
            // therefore belongs to a deleted needle. The checksum still guards every other field.
            flags = DeletedFlag;
        }

        return new NeedleHeader(
            Cookie: BinaryPrimitives.ReadUInt64LittleEndian(header[4..]),
            Key: BinaryPrimitives.ReadUInt64LittleEndian(header[12..]),
            AlternateKey: BinaryPrimitives.ReadUInt32LittleEndian(header[20..]),
            Flags: flags,
            DataSize: BinaryPrimitives.ReadUInt32LittleEndian(header[28..]));
    }

    /// <summary>
    /// Checks a whole needle read from disk: magic numbers, flag guard, declared size, padding and checksum.
    /// </summary>
    /// <returns>The header when everything holds, otherwise null and the reason.</returns>
    public static NeedleHeader? Verify(ReadOnlySpan<byte> needle, out string? reason, bool tolerateTornFlags = false)
    {
        var header = TryReadHeader(needle, tolerateTornFlags);
        if (header is null)
        {
            reason = needle.Length < HeaderBytes ? "needle shorter than its header" : "bad header magic or flag guard";
            return null;
        }

        var size = header.Value.DataSize;
        if (NeedleBytes(size) != needle.Length)
        {
            reason = $"declared data size {size} does not match the needle length {needle.Length}";
            return null;
        }

        var data = needle.Slice(HeaderBytes, (int)size);
        var footer = needle.Slice(HeaderBytes + (int)size, FooterBytes);
        if (BinaryPrimitives.ReadUInt32LittleEndian(footer) != FooterMagic)
        {
            reason = "bad footer magic";
            return null;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(footer[4..]) != Checksum(needle[..HeaderBytes], data))
        {
            reason = "checksum mismatch";
            return null;
        }

        if (needle[(HeaderBytes + (int)size + FooterBytes)..].ContainsAnyExcept((byte)0))
        {
            reason = "non-zero padding";
            return null;
        }

        reason = null;
        return header;
    }

    public static void WriteSuperblock(Span<byte> destination, uint volumeId, uint generation)
    {
        destination[..SuperblockBytes].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(destination, SuperblockMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[8..], FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], volumeId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], generation);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[60..], Crc32C.Compute(destination[..60]));
    }

    /// <summary>Reads a superblock, or explains why it is not one.</summary>
    public static (uint VolumeId, uint Generation)? TryReadSuperblock(ReadOnlySpan<byte> source, out string? reason)
    {
        if (source.Length < SuperblockBytes || BinaryPrimitives.ReadUInt64LittleEndian(source) != SuperblockMagic)
        {
            reason = "not a Haystack volume (bad superblock magic)";
            return null;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(source[60..]) != Crc32C.Compute(source[..60]))
        {
            reason = "superblock checksum mismatch";
            return null;
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(source[8..]);
        if (version != FormatVersion)
        {
            reason = $"volume format version {version} is not supported (this build reads version {FormatVersion})";
            return null;
        }

        reason = null;
        return (BinaryPrimitives.ReadUInt32LittleEndian(source[12..]), BinaryPrimitives.ReadUInt32LittleEndian(source[16..]));
    }

    private static uint Checksum(ReadOnlySpan<byte> header, ReadOnlySpan<byte> data)
    {
        var crc = Crc32C.Append(0, header[..FlagsOffset]);
        crc = Crc32C.Append(crc, header[(FlagsOffset + 2)..HeaderBytes]);
        return Crc32C.Append(crc, data);
    }
}
