using System.Buffers;
using System.Buffers.Binary;
using Cluster.Core.Tests.Infrastructure;

namespace Cluster.Core.Tests.Tcp;

[TestFixture]
public sealed class FrameRejectionTests
{
    private const int ConnectionFailedEvent = 1105;
    private static readonly NodeId Intruder = new(7);

    [Test]
    public async Task An_oversize_length_prefix_closes_the_connection_before_the_body_arrives()
    {
        await using var node = await TcpTestNode.StartAsync(1, new NodeSettings { MaxFrameBytes = 64 * 1024 });
        var header = new byte[MessageCodec.LengthPrefixBytes + MessageCodec.HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 1_000_000_000);

        // Only the header is sent: the node can only close if it judged the prefix alone.
        await SendAfterHandshakeAsync(node, header, closeAfter: false);

        await Served.AssertRejectedThenStillServesAsync(node, "frame", ConnectionFailedEvent, "exceeds the maximum frame size");
    }

    [Test]
    public async Task A_frame_cut_short_by_a_close_is_reported_as_truncated()
    {
        await using var node = await TcpTestNode.StartAsync(1);
        var frame = Encode(new Envelope(MessageKind.OneWay, 0, new Blob(new byte[100])));

        await SendAfterHandshakeAsync(node, frame[..(frame.Length / 2)], closeAfter: true);

        await Served.AssertRejectedThenStillServesAsync(node, "frame", ConnectionFailedEvent, "in the middle of a frame");
    }

    [Test]
    public async Task An_undecodable_body_closes_the_connection()
    {
        await using var node = await TcpTestNode.StartAsync(1);
        var frame = RawFrame(TestMessages.PingId, [0xC1]); // 0xC1 is never used by MessagePack

        await SendAfterHandshakeAsync(node, frame, closeAfter: false);

        await Served.AssertRejectedThenStillServesAsync(node, "frame", ConnectionFailedEvent, "does not decode");
    }

    [Test]
    public async Task An_unknown_type_id_closes_the_connection()
    {
        await using var node = await TcpTestNode.StartAsync(1);
        var frame = RawFrame(4242, [0x90]);

        await SendAfterHandshakeAsync(node, frame, closeAfter: false);

        await Served.AssertRejectedThenStillServesAsync(node, "frame", ConnectionFailedEvent, "4242 is not a registered message type");
    }

    [Test]
    public async Task Good_frames_before_a_bad_one_are_delivered()
    {
        await using var node = await TcpTestNode.StartAsync(1);
        var received = new List<int>();
        node.Bus.On<Numbered>((_, message) =>
        {
            lock (received)
            {
                received.Add(message.Sequence);
            }
        });
        var bytes = Encode(new Envelope(MessageKind.OneWay, 0, new Numbered(1)))
            .Concat(Encode(new Envelope(MessageKind.OneWay, 0, new Numbered(2))))
            .Concat(RawFrame(4242, [0x90]))
            .ToArray();

        await SendAfterHandshakeAsync(node, bytes, closeAfter: false);

        await node.WaitForErrorAsync("frame");
        lock (received)
        {
            Assert.That(received, Is.EqualTo(new[] { 1, 2 }));
        }
    }

    private static async Task SendAfterHandshakeAsync(TcpTestNode node, byte[] bytes, bool closeAfter)
    {
        await using var raw = await RawClient.ConnectAsync(node.EndPoint);
        await raw.HandshakeAsync(Intruder, node.Id);
        await raw.SendAsync(bytes);
        if (closeAfter)
        {
            raw.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        }

        await raw.WaitForCloseAsync();
    }

    private static byte[] Encode(Envelope envelope)
    {
        var writer = new ArrayBufferWriter<byte>();
        TestMessages.Codec().WriteFrame(writer, envelope);
        return writer.WrittenSpan.ToArray();
    }

    private static byte[] RawFrame(ushort typeId, byte[] body)
    {
        var frame = new byte[MessageCodec.LengthPrefixBytes + MessageCodec.HeaderBytes + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)(MessageCodec.HeaderBytes + body.Length));
        frame[4] = (byte)MessageKind.OneWay;
        BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(5), typeId);
        body.CopyTo(frame, MessageCodec.LengthPrefixBytes + MessageCodec.HeaderBytes);
        return frame;
    }
}
