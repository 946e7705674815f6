using System.Buffers;
using System.Buffers.Binary;
using MessagePack;

namespace Cluster.Core;

/// <summary>
/// Encodes envelopes into length-prefixed frames and decodes them back, with MessagePack bodies.
/// </summary>
/// <remarks>
/// <para>Frame layout (little-endian): <c>u32 length</c> of everything after it, <c>u8 kind</c>,
/// <c>u16 type id</c>, <c>u64 correlation id</c>, then the MessagePack body. The length is checked
/// against <see cref="MaxFrameBytes"/> before anything is allocated for the frame.</para>
/// <para>Decoding uses MessagePack's untrusted-data security settings (bounded depth, collision-resistant
/// hashing) since frames come off the network. A codec is thread-safe.</para>
/// </remarks>
public sealed class MessageCodec
{
    /// <summary>Bytes of the length prefix.</summary>
    public const int LengthPrefixBytes = 4;

    /// <summary>Bytes of the header after the length prefix: kind, type id and correlation id.</summary>
    public const int HeaderBytes = 1 + 2 + 8;

    /// <summary>The default largest frame, length prefix included: 16 MiB.</summary>
    public const int DefaultMaxFrameBytes = 16 * 1024 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    private readonly MessageTypeRegistry _registry;
    private readonly MessagePackSerializerOptions _options;

    /// <summary>Creates a codec over a registry of message types; the registry is frozen.</summary>
    /// <param name="messageTypes">The message types this codec may carry.</param>
    /// <param name="maxFrameBytes">The largest frame accepted or produced, length prefix included.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxFrameBytes"/> is smaller than a header.</exception>
    public MessageCodec(MessageTypeRegistry messageTypes, int maxFrameBytes = DefaultMaxFrameBytes)
    {
        ArgumentNullException.ThrowIfNull(messageTypes);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameBytes, LengthPrefixBytes + HeaderBytes + 1);
        messageTypes.Freeze();
        _registry = messageTypes;
        MaxFrameBytes = maxFrameBytes;
        _options = MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);
    }

    /// <summary>The registry of message types.</summary>
    public MessageTypeRegistry Registry => _registry;

    /// <summary>The largest frame accepted or produced, length prefix included.</summary>
    public int MaxFrameBytes { get; }

    /// <summary>Writes one frame for <paramref name="envelope"/>.</summary>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException">The body's type is not registered.</exception>
    /// <exception cref="FrameFormatException">The encoded frame would exceed <see cref="MaxFrameBytes"/>.</exception>
    public int WriteFrame(IBufferWriter<byte> writer, in Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var body = envelope.Body ?? throw new ArgumentException("An envelope needs a body.", nameof(envelope));
        var type = body.GetType();
        var typeId = _registry.GetId(type);
        var scratch = t_scratch ??= new ArrayBufferWriter<byte>(256);
        scratch.ResetWrittenCount();
        try
        {
            MessagePackSerializer.Serialize(type, scratch, body, _options);
            var frameBytes = LengthPrefixBytes + HeaderBytes + scratch.WrittenCount;
            if (frameBytes > MaxFrameBytes)
            {
                throw new FrameFormatException($"A {type.Name} message encodes to {frameBytes} bytes, over the maximum frame size of {MaxFrameBytes} bytes.");
            }

            var span = writer.GetSpan(LengthPrefixBytes + HeaderBytes);
            BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)(frameBytes - LengthPrefixBytes));
            span[4] = (byte)envelope.Kind;
            BinaryPrimitives.WriteUInt16LittleEndian(span[5..], typeId);
            BinaryPrimitives.WriteUInt64LittleEndian(span[7..], envelope.CorrelationId);
            writer.Advance(LengthPrefixBytes + HeaderBytes);
            writer.Write(scratch.WrittenSpan);
            return frameBytes;
        }
        finally
        {
            if (scratch.Capacity > 1024 * 1024)
            {
                // Do not pin a huge scratch buffer to the thread after one large message.
                t_scratch = null;
            }
        }
    }

    /// <summary>
    /// Reads one frame from the front of <paramref name="buffer"/> if a whole one is there, advancing
    /// <paramref name="buffer"/> past it.
    /// </summary>
    /// <returns>False when more bytes are needed; <paramref name="buffer"/> is then unchanged.</returns>
    /// <exception cref="FrameFormatException">The frame is oversize, malformed, of an unknown type or undecodable.</exception>
    public bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out Envelope envelope)
    {
        envelope = default;
        if (buffer.Length < LengthPrefixBytes)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[LengthPrefixBytes + HeaderBytes];
        var prefixLength = (int)Math.Min(buffer.Length, prefix.Length);
        buffer.Slice(0, prefixLength).CopyTo(prefix);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        if (length < HeaderBytes)
        {
            throw new FrameFormatException($"Frame length {length} is shorter than the {HeaderBytes}-byte header.");
        }

        if (length > (uint)(MaxFrameBytes - LengthPrefixBytes))
        {
            throw new FrameFormatException($"Frame length {length} exceeds the maximum frame size of {MaxFrameBytes} bytes.");
        }

        if (buffer.Length < LengthPrefixBytes + length)
        {
            return false;
        }

        var kind = (MessageKind)prefix[4];
        if (kind > MessageKind.Failure)
        {
            throw new FrameFormatException($"Frame kind {(byte)kind} is not a known message kind.");
        }

        var typeId = BinaryPrimitives.ReadUInt16LittleEndian(prefix[5..]);
        var correlationId = BinaryPrimitives.ReadUInt64LittleEndian(prefix[7..]);
        var payload = buffer.Slice(LengthPrefixBytes + HeaderBytes, length - HeaderBytes);
        var body = DeserializeBody(typeId, payload);
        envelope = new Envelope(kind, correlationId, body);
        buffer = buffer.Slice(LengthPrefixBytes + length);
        return true;
    }

    /// <summary>Decodes a body of the type registered under <paramref name="typeId"/>, requiring every byte to be used.</summary>
    /// <exception cref="FrameFormatException">The type id is unknown or the bytes do not decode to exactly one value.</exception>
    public object DeserializeBody(ushort typeId, ReadOnlySequence<byte> payload)
    {
        if (!_registry.TryGetType(typeId, out var type))
        {
            throw new FrameFormatException($"Frame type id {typeId} is not a registered message type.");
        }

        try
        {
            var reader = new MessagePackReader(payload);
            var body = MessagePackSerializer.Deserialize(type, ref reader, _options);
            if (!reader.End)
            {
                throw new FrameFormatException($"A {type.Name} frame has {payload.Length - reader.Consumed} bytes left over after its body.");
            }

            return body ?? throw new FrameFormatException($"A {type.Name} frame decoded to nil.");
        }
        catch (MessagePackSerializationException ex)
        {
            throw new FrameFormatException($"A {type.Name} frame does not decode: {ex.Message}", ex);
        }
        catch (EndOfStreamException ex)
        {
            throw new FrameFormatException($"A {type.Name} frame is truncated.", ex);
        }
    }

    /// <summary>
    /// Serializes and deserializes a body, giving the receiver its own copy exactly as a real network
    /// would, and checking that the type round-trips. Used by simulated transports.
    /// </summary>
    /// <returns>The copy and the size of its frame in bytes.</returns>
    public (object Copy, int FrameBytes) RoundTrip(object body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var writer = new ArrayBufferWriter<byte>(128);
        var frameBytes = WriteFrame(writer, new Envelope(MessageKind.OneWay, 0, body));
        var sequence = new ReadOnlySequence<byte>(writer.WrittenMemory);
        if (!TryReadFrame(ref sequence, out var envelope))
        {
            Invariant.Fail("A frame just written must read back whole.");
        }

        return (envelope.Body, frameBytes);
    }
}
