using Cluster.Core;
using MessagePack;

namespace Benchmarks.Transport;

/// <summary>The message the transport benchmarks carry: a sequence number and opaque bytes.</summary>
[MessagePackObject]
public sealed class BenchPayload
{
    /// <summary>The type id registered for this message.</summary>
    public const ushort TypeId = 9000;

    [Key(0)]
    public long Sequence { get; set; }

    [Key(1)]
    public byte[] Data { get; set; } = [];

    public static MessageTypeRegistry Registry() => new MessageTypeRegistry().Register<BenchPayload>(TypeId);
}
