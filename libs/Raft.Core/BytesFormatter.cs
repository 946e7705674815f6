using System.Buffers;
using MessagePack;
using MessagePack.Formatters;

namespace Raft.Core;

/// <summary>
/// MessagePack's own <see cref="ReadOnlyMemory{T}"/> formatter (bin format, nil read as empty), except that an empty payload
/// decodes to <see cref="ReadOnlyMemory{T}.Empty"/> instead of a new zero-length array: most Raft messages leave their read
/// context and snapshot data empty.
/// </summary>
internal sealed class BytesFormatter : IMessagePackFormatter<ReadOnlyMemory<byte>>
{
    public void Serialize(ref MessagePackWriter writer, ReadOnlyMemory<byte> value, MessagePackSerializerOptions options) =>
        writer.Write(value.Span);

    public ReadOnlyMemory<byte> Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        reader.ReadBytes() is { Length: > 0 } bytes ? bytes.ToArray() : default;
}
