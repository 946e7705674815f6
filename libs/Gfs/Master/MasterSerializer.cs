using MessagePack;
using MessagePack.Resolvers;

namespace Gfs;

/// <summary>How the master's commands, results and snapshots are encoded.</summary>
internal static class MasterSerializer
{
    /// <summary>Explicit keys (internal types included) with the settings for untrusted input: commands come off the network.</summary>
    public static MessagePackSerializerOptions Options { get; } =
        MessagePackSerializerOptions.Standard.WithResolver(StandardResolverAllowPrivate.Instance).WithSecurity(MessagePackSecurity.UntrustedData);

    public static byte[] Serialize<T>(T value) => MessagePackSerializer.Serialize(value, Options);

    public static T Deserialize<T>(ReadOnlyMemory<byte> bytes) => MessagePackSerializer.Deserialize<T>(bytes, Options);
}
