namespace Cluster.Core.Tests.Infrastructure;

public static class TestMessages
{
    public const ushort PingId = 1000;
    public const ushort PongId = 1001;
    public const ushort NumberedId = 1002;
    public const ushort BlobId = 1003;

    public static MessageTypeRegistry Registry() => new MessageTypeRegistry()
        .Register<Ping>(PingId)
        .Register<Pong>(PongId)
        .Register<Numbered>(NumberedId)
        .Register<Blob>(BlobId);

    public static MessageCodec Codec(int maxFrameBytes = MessageCodec.DefaultMaxFrameBytes) => new(Registry(), maxFrameBytes);
}
