using Cluster.Core;

namespace Chubby;

/// <summary>The message types of a Chubby cell and its clients, with their fixed type ids (block 200–299).</summary>
public static class ChubbyMessageTypes
{
    /// <summary>Type id of <see cref="ChubbyRequest"/>.</summary>
    public const ushort RequestId = 200;

    /// <summary>Type id of <see cref="ChubbyResponse"/>.</summary>
    public const ushort ResponseId = 201;

    /// <summary>Type id of <see cref="KeepAliveRequest"/>.</summary>
    public const ushort KeepAliveRequestId = 202;

    /// <summary>Type id of <see cref="KeepAliveResponse"/>.</summary>
    public const ushort KeepAliveResponseId = 203;

    /// <summary>Registers the Chubby message types in <paramref name="types"/> and returns it.</summary>
    public static MessageTypeRegistry Register(MessageTypeRegistry types)
    {
        ArgumentNullException.ThrowIfNull(types);
        return types
            .Register<ChubbyRequest>(RequestId)
            .Register<ChubbyResponse>(ResponseId)
            .Register<KeepAliveRequest>(KeepAliveRequestId)
            .Register<KeepAliveResponse>(KeepAliveResponseId);
    }

    /// <summary>A new registry with the Raft and the Chubby message types, as a cell's replicas and clients need.</summary>
    public static MessageTypeRegistry CreateRegistry() => Register(Raft.Core.RaftMessageTypes.CreateRegistry());
}
