using System.Buffers.Binary;
using System.Globalization;
using Cluster.Core;
using MessagePack;

namespace Raft.Core;

/// <summary>
/// The layout of a <see cref="FileSnapshotStore"/> snapshot file (little-endian): the payload first, so it can be streamed out before its
/// size or metadata is known, then the metadata and a fixed trailer that describes both.
/// </summary>
/// <remarks>
/// <code>
/// 0      payload (P bytes)
/// P      metadata: the SnapshotMetadata as MessagePack (M bytes)
/// P + M  trailer (32 bytes): 0 u64 magic "RAFTSNP\x01"  8 u16 format version  10 u16 0  12 u32 M  16 u64 P
///                           24 u32 CRC-32C of the payload  28 u32 CRC-32C of the metadata and trailer bytes 0..27
/// </code>
/// The file is exactly P + M + 32 bytes long.
/// </remarks>
internal static class SnapshotFileFormat
{
    /// <summary>"RAFTSNP" followed by 0x01, read as a little-endian integer.</summary>
    public const ulong Magic = 0x0150_4E53_5446_4152;
    public const ushort FormatVersion = 1;
    public const int TrailerBytes = 32;

    /// <summary>The most bytes the metadata may take; a membership list never comes near it.</summary>
    public const int MaxMetadataBytes = 1024 * 1024;

    private const string NamePrefix = "snapshot-";
    private const string CommittedSuffix = ".snap";
    private const string TemporarySuffix = ".tmp";
    private const int NumberDigits = 20;

    private static readonly MessagePackSerializerOptions SerializerOptions =
        MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>The name of a committed snapshot; the sequence orders commits.</summary>
    public static string CommittedName(string prefix, ulong sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}{NamePrefix}{sequence:D20}{CommittedSuffix}");

    /// <summary>The name of a snapshot being written.</summary>
    public static string TemporaryName(string prefix, ulong sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}{NamePrefix}{sequence:D20}{TemporarySuffix}");

    /// <summary>Parses a name made by <see cref="CommittedName"/> or <see cref="TemporaryName"/>; false for any other file.</summary>
    public static bool TryParseName(string name, string prefix, out ulong sequence, out bool committed)
    {
        sequence = 0;
        committed = name.EndsWith(CommittedSuffix, StringComparison.Ordinal);
        var suffixLength = committed ? CommittedSuffix.Length : TemporarySuffix.Length;
        if (!committed && !name.EndsWith(TemporarySuffix, StringComparison.Ordinal))
        {
            return false;
        }

        if (name.Length != prefix.Length + NamePrefix.Length + NumberDigits + suffixLength
            || !name.StartsWith(prefix, StringComparison.Ordinal)
            || !name.AsSpan(prefix.Length).StartsWith(NamePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        return ulong.TryParse(name.AsSpan(prefix.Length + NamePrefix.Length, NumberDigits), NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }

    /// <summary>The bytes that follow the payload: the metadata and the trailer.</summary>
    public static byte[] BuildFooter(SnapshotMetadata metadata, long payloadBytes, uint payloadChecksum)
    {
        var encoded = MessagePackSerializer.Serialize(metadata, SerializerOptions);
        if (encoded.Length > MaxMetadataBytes)
        {
            throw new ArgumentException($"The snapshot metadata encodes to {encoded.Length} bytes, more than the {MaxMetadataBytes} allowed.", nameof(metadata));
        }

        var footer = new byte[encoded.Length + TrailerBytes];
        encoded.CopyTo(footer, 0);
        var trailer = footer.AsSpan(encoded.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(trailer, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(trailer[8..], FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[12..], (uint)encoded.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(trailer[16..], (ulong)payloadBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[24..], payloadChecksum);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[28..], Crc32C.Compute(footer.AsSpan(0, encoded.Length + 28)));
        return footer;
    }

    /// <summary>Reads the trailer of a file of <paramref name="fileLength"/> bytes.</summary>
    /// <returns>The metadata and payload sizes and the payload checksum, or null with the reason and the offset of the problem.</returns>
    public static (int MetadataBytes, long PayloadBytes, uint PayloadChecksum)? TryReadTrailer(ReadOnlySpan<byte> trailer, long fileLength, out string? reason)
    {
        if (BinaryPrimitives.ReadUInt64LittleEndian(trailer) != Magic)
        {
            reason = "bad snapshot trailer magic";
            return null;
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(trailer[8..]);
        if (version != FormatVersion)
        {
            reason = $"snapshot format version {version} is not supported (this build reads version {FormatVersion})";
            return null;
        }

        var metadataBytes = BinaryPrimitives.ReadUInt32LittleEndian(trailer[12..]);
        var payloadBytes = BinaryPrimitives.ReadUInt64LittleEndian(trailer[16..]);
        if (metadataBytes > MaxMetadataBytes || payloadBytes > (ulong)fileLength || (ulong)fileLength != payloadBytes + metadataBytes + TrailerBytes)
        {
            reason = $"the trailer declares {payloadBytes} payload and {metadataBytes} metadata bytes, which do not add up to the file's {fileLength} bytes";
            return null;
        }

        reason = null;
        return ((int)metadataBytes, (long)payloadBytes, BinaryPrimitives.ReadUInt32LittleEndian(trailer[24..]));
    }

    /// <summary>Checks the footer checksum (metadata and trailer) and decodes the metadata.</summary>
    public static SnapshotMetadata? TryReadMetadata(ReadOnlyMemory<byte> footer, out string? reason)
    {
        var span = footer.Span;
        if (BinaryPrimitives.ReadUInt32LittleEndian(span[^4..]) != Crc32C.Compute(span[..^4]))
        {
            reason = "snapshot metadata checksum mismatch";
            return null;
        }

        try
        {
            var metadata = MessagePackSerializer.Deserialize<SnapshotMetadata>(footer[..^TrailerBytes], SerializerOptions, out var read);
            if (read == footer.Length - TrailerBytes)
            {
                reason = null;
                return metadata;
            }
        }
        catch (MessagePackSerializationException)
        {
        }

        reason = "the snapshot metadata cannot be decoded";
        return null;
    }
}
