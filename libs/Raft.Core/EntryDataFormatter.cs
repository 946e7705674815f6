using System.Buffers;
using MessagePack;
using MessagePack.Formatters;

namespace Raft.Core;

/// <summary>
/// Reads and writes <see cref="LogEntry.Data"/> exactly as MessagePack's own <see cref="ReadOnlyMemory{T}"/> formatter does
/// (bin format, nil read as empty), but decodes into <see cref="PayloadSlabs"/> instead of one new array per entry.
/// </summary>
/// <remarks>
/// The bytes must be copied: the transport reuses its receive buffers as soon as a frame is decoded.
/// </remarks>
internal sealed class EntryDataFormatter : IMessagePackFormatter<ReadOnlyMemory<byte>>
{
    public void Serialize(ref MessagePackWriter writer, ReadOnlyMemory<byte> value, MessagePackSerializerOptions options) =>
        writer.Write(value.Span);

    public ReadOnlyMemory<byte> Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.ReadBytes() is not { } bytes)
        {
            return default;
        }

        var memory = PayloadSlabs.Allocate(checked((int)bytes.Length));
        bytes.CopyTo(memory.Span);
        return memory;
    }
}
