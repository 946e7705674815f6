using System.Buffers.Binary;

namespace Raft.Core;

/// <summary>
/// The node's framing of a normal log entry: kind, the proposing leader's clock (which decides session expiry the same way on
/// every replica, Raft thesis §6.3), the session fields, and the application's payload.
/// </summary>
/// <remarks>Layout, little-endian: kind (1) | timestamp ms (8) | [client id (8) | sequence (8) | lowest unacknowledged (8)] | payload.</remarks>
internal readonly record struct HostedEntry(
    HostedEntryKind Kind,
    long TimestampMilliseconds,
    ulong ClientId,
    ulong Sequence,
    ulong LowestUnacknowledged,
    ReadOnlyMemory<byte> Payload)
{
    private const int BaseBytes = 1 + 8;
    private const int SessionBytes = 24;

    public static bool HasSessionFields(HostedEntryKind kind) => kind is HostedEntryKind.SessionCommand or HostedEntryKind.CloseSession or HostedEntryKind.KeepAlive;

    public int EncodedLength => BaseBytes + (HasSessionFields(Kind) ? SessionBytes : 0) + Payload.Length;

    /// <summary>The entry's bytes, in a buffer from <see cref="PayloadSlabs"/> since it stays in the log.</summary>
    public ReadOnlyMemory<byte> Encode()
    {
        var buffer = PayloadSlabs.Allocate(EncodedLength);
        var span = buffer.Span;
        span[0] = (byte)Kind;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], TimestampMilliseconds);
        var offset = BaseBytes;
        if (HasSessionFields(Kind))
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[offset..], ClientId);
            BinaryPrimitives.WriteUInt64LittleEndian(span[(offset + 8)..], Sequence);
            BinaryPrimitives.WriteUInt64LittleEndian(span[(offset + 16)..], LowestUnacknowledged);
            offset += SessionBytes;
        }

        Payload.Span.CopyTo(span[offset..]);
        return buffer;
    }

    /// <exception cref="FormatException">The entry was not written by a <see cref="RaftNode"/>.</exception>
    public static HostedEntry Decode(ReadOnlyMemory<byte> data, ulong index)
    {
        var span = data.Span;
        if (span.Length < BaseBytes || span[0] is < (byte)HostedEntryKind.Command or > (byte)HostedEntryKind.KeepAlive)
        {
            throw new FormatException($"Entry {index} ({data.Length} bytes) is not a RaftNode entry: it was proposed through another host or is corrupt.");
        }

        var kind = (HostedEntryKind)span[0];
        var timestamp = BinaryPrimitives.ReadInt64LittleEndian(span[1..]);
        if (!HasSessionFields(kind))
        {
            return new HostedEntry(kind, timestamp, 0, 0, 0, data[BaseBytes..]);
        }

        if (span.Length < BaseBytes + SessionBytes)
        {
            throw new FormatException($"Entry {index} is a {kind} entry of {data.Length} bytes, too short for its session fields.");
        }

        return new HostedEntry(
            kind,
            timestamp,
            BinaryPrimitives.ReadUInt64LittleEndian(span[BaseBytes..]),
            BinaryPrimitives.ReadUInt64LittleEndian(span[(BaseBytes + 8)..]),
            BinaryPrimitives.ReadUInt64LittleEndian(span[(BaseBytes + 16)..]),
            data[(BaseBytes + SessionBytes)..]);
    }
}
