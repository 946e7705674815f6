using Cluster.Core;

namespace Raft.Core;

/// <summary>The message types a <see cref="RaftNode"/> and a <see cref="RaftClient"/> exchange, with their fixed type ids (block 100–199).</summary>
public static class RaftMessageTypes
{
    /// <summary>Type id of <see cref="RaftMessage"/>.</summary>
    public const ushort RaftMessageId = 100;

    /// <summary>Type id of <see cref="SnapshotChunk"/>.</summary>
    public const ushort SnapshotChunkId = 101;

    /// <summary>Type id of <see cref="SnapshotChunkAck"/>.</summary>
    public const ushort SnapshotChunkAckId = 102;

    /// <summary>Type id of <see cref="ClientRequest"/>.</summary>
    public const ushort ClientRequestId = 103;

    /// <summary>Type id of <see cref="ClientResponse"/>.</summary>
    public const ushort ClientResponseId = 104;

    /// <summary>Registers every Raft message type in <paramref name="types"/> and returns it.</summary>
    public static MessageTypeRegistry Register(MessageTypeRegistry types)
    {
        ArgumentNullException.ThrowIfNull(types);
        return types
            .Register<RaftMessage>(RaftMessageId)
            .Register<SnapshotChunk>(SnapshotChunkId)
            .Register<SnapshotChunkAck>(SnapshotChunkAckId)
            .Register<ClientRequest>(ClientRequestId)
            .Register<ClientResponse>(ClientResponseId);
    }

    /// <summary>A new registry holding the Raft message types.</summary>
    public static MessageTypeRegistry CreateRegistry() => Register(new MessageTypeRegistry());
}
