using System.Buffers;
using System.Buffers.Binary;
using Cluster.Core.Tests.Infrastructure;

namespace Cluster.Core.Tests.Messaging;

[TestFixture]
public sealed class MessageCodecTests
{
    private readonly MessageCodec _codec = TestMessages.Codec(maxFrameBytes: 1024);

    [Test]
    public void A_frame_reads_back_as_the_envelope_written()
    {
        var written = new Envelope(MessageKind.Request, 77, new Pong(5, new NodeId(3)));
        var bytes = Write(written);
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.That(_codec.TryReadFrame(ref buffer, out var read), Is.True);
        Assert.That(read, Is.EqualTo(written));
        Assert.That(buffer.IsEmpty, Is.True);
    }

    [Test]
    public void Frames_split_across_segments_and_packed_together_read_one_by_one()
    {
        var bytes = Write(Envelope.OneWay(new Numbered(1))).Concat(Write(Envelope.OneWay(new Numbered(2)))).ToArray();
        var buffer = Segmented(bytes, 3);

        Assert.That(_codec.TryReadFrame(ref buffer, out var first), Is.True);
        Assert.That(_codec.TryReadFrame(ref buffer, out var second), Is.True);
        Assert.That(_codec.TryReadFrame(ref buffer, out _), Is.False);
        Assert.That(new[] { first.Body, second.Body }, Is.EqualTo(new object[] { new Numbered(1), new Numbered(2) }));
    }

    [Test]
    public void An_incomplete_frame_asks_for_more_bytes_and_leaves_the_buffer_alone()
    {
        var bytes = Write(Envelope.OneWay(new Blob(new byte[50])));
        var buffer = new ReadOnlySequence<byte>(bytes, 0, bytes.Length - 1);

        Assert.That(_codec.TryReadFrame(ref buffer, out _), Is.False);
        Assert.That(buffer.Length, Is.EqualTo(bytes.Length - 1));
    }

    [Test]
    public void An_oversize_length_prefix_is_rejected_from_the_header_alone()
    {
        var header = new byte[MessageCodec.LengthPrefixBytes + MessageCodec.HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 2_000_000_000);
        var buffer = new ReadOnlySequence<byte>(header);

        var error = Assert.Throws<FrameFormatException>(() => _codec.TryReadFrame(ref buffer, out _));

        Assert.That(error!.Message, Does.Contain("exceeds the maximum frame size"));
    }

    [Test]
    public void A_length_shorter_than_the_header_is_rejected()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 3, 0, 0, 0, 1, 2, 3 });

        Assert.Throws<FrameFormatException>(() => _codec.TryReadFrame(ref buffer, out _));
    }

    [Test]
    public void A_body_truncated_inside_its_frame_is_rejected()
    {
        var bytes = Write(Envelope.OneWay(new Blob(new byte[50])));

        // Keep the frame whole but claim ten fewer bytes: the MessagePack body then ends early.
        var cut = bytes[..^10];
        BinaryPrimitives.WriteUInt32LittleEndian(cut, (uint)(cut.Length - MessageCodec.LengthPrefixBytes));
        var buffer = new ReadOnlySequence<byte>(cut);

        Assert.Throws<FrameFormatException>(() => _codec.TryReadFrame(ref buffer, out _));
    }

    [Test]
    public void Trailing_bytes_after_the_body_are_rejected()
    {
        var bytes = Write(Envelope.OneWay(new Numbered(1)));
        var padded = bytes.Concat(new byte[] { 0xC0 }).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(padded, (uint)(padded.Length - MessageCodec.LengthPrefixBytes));
        var buffer = new ReadOnlySequence<byte>(padded);

        var error = Assert.Throws<FrameFormatException>(() => _codec.TryReadFrame(ref buffer, out _));

        Assert.That(error!.Message, Does.Contain("left over"));
    }

    [Test]
    public void An_unknown_type_id_is_rejected()
    {
        var bytes = Write(Envelope.OneWay(new Numbered(1)));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(5), 4242);
        var buffer = new ReadOnlySequence<byte>(bytes);

        var error = Assert.Throws<FrameFormatException>(() => _codec.TryReadFrame(ref buffer, out _));

        Assert.That(error!.Message, Does.Contain("4242"));
    }

    [Test]
    public void An_unknown_kind_is_rejected()
    {
        var bytes = Write(Envelope.OneWay(new Numbered(1)));
        bytes[4] = 9;
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.Throws<FrameFormatException>(() => _codec.TryReadFrame(ref buffer, out _));
    }

    [Test]
    public void Writing_a_message_over_the_maximum_fails_without_writing_anything()
    {
        var writer = new ArrayBufferWriter<byte>();

        Assert.Throws<FrameFormatException>(() => _codec.WriteFrame(writer, Envelope.OneWay(new Blob(new byte[2048]))));
        Assert.That(writer.WrittenCount, Is.Zero);
    }

    [Test]
    public void Writing_an_unregistered_type_fails()
    {
        Assert.Throws<ArgumentException>(() => _codec.WriteFrame(new ArrayBufferWriter<byte>(), Envelope.OneWay(new Unregistered(1))));
    }

    private byte[] Write(Envelope envelope)
    {
        var writer = new ArrayBufferWriter<byte>();
        var length = _codec.WriteFrame(writer, envelope);
        Assert.That(length, Is.EqualTo(writer.WrittenCount));
        return writer.WrittenSpan.ToArray();
    }

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentBytes)
    {
        Segment? first = null, last = null;
        for (var offset = 0; offset < bytes.Length; offset += segmentBytes)
        {
            var memory = bytes.AsMemory(offset, Math.Min(segmentBytes, bytes.Length - offset));
            last = last is null ? first = new Segment(memory, 0) : last.Append(memory);
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
