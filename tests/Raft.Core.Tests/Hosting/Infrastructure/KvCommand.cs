using MessagePack;

namespace Raft.Core.Tests.Hosting;

/// <summary>A key-value command or query of the test state machine.</summary>
[MessagePackObject]
public sealed record KvCommand([property: Key(0)] string Op, [property: Key(1)] string Key, [property: Key(2)] string? Value)
{
    public static KvCommand Put(string key, string value) => new("put", key, value);

    public static KvCommand Append(string key, string value) => new("append", key, value);

    public static KvCommand Get(string key) => new("get", key, null);

    public byte[] Encode() => MessagePackSerializer.Serialize(this);

    public static KvCommand Decode(ReadOnlyMemory<byte> data) => MessagePackSerializer.Deserialize<KvCommand>(data);
}
