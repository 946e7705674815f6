using Cluster.Core;
using Chubby;
using Raft.Core;

namespace Gfs;

/// <summary>The message types GFS masters, chunkservers and clients exchange, with their fixed type ids (block 300–399).</summary>
public static class GfsMessageTypes
{
    /// <summary>Type id of <see cref="MasterRequest"/>.</summary>
    public const ushort MasterRequestId = 300;

    /// <summary>Type id of <see cref="MasterResponse"/>.</summary>
    public const ushort MasterResponseId = 301;

    /// <summary>Type id of <see cref="ChunkserverHeartbeat"/>.</summary>
    public const ushort ChunkserverHeartbeatId = 302;

    /// <summary>Type id of <see cref="HeartbeatReply"/>.</summary>
    public const ushort HeartbeatReplyId = 303;

    /// <summary>Type id of <see cref="ChunkCommand"/>.</summary>
    public const ushort ChunkCommandId = 304;

    /// <summary>Type id of <see cref="ChunkResponse"/>.</summary>
    public const ushort ChunkResponseId = 305;

    /// <summary>Type id of <see cref="PushDataRequest"/>.</summary>
    public const ushort PushDataRequestId = 306;

    /// <summary>Type id of <see cref="MutateRequest"/>.</summary>
    public const ushort MutateRequestId = 307;

    /// <summary>Type id of <see cref="ApplyMutationRequest"/>.</summary>
    public const ushort ApplyMutationRequestId = 308;

    /// <summary>Type id of <see cref="ReadChunkRequest"/>.</summary>
    public const ushort ReadChunkRequestId = 309;

    /// <summary>Type id of <see cref="ReadChunkResponse"/>.</summary>
    public const ushort ReadChunkResponseId = 310;

    /// <summary>Registers every GFS message type in <paramref name="types"/> and returns it.</summary>
    public static MessageTypeRegistry Register(MessageTypeRegistry types)
    {
        ArgumentNullException.ThrowIfNull(types);
        return types
            .Register<MasterRequest>(MasterRequestId)
            .Register<MasterResponse>(MasterResponseId)
            .Register<ChunkserverHeartbeat>(ChunkserverHeartbeatId)
            .Register<HeartbeatReply>(HeartbeatReplyId)
            .Register<ChunkCommand>(ChunkCommandId)
            .Register<ChunkResponse>(ChunkResponseId)
            .Register<PushDataRequest>(PushDataRequestId)
            .Register<MutateRequest>(MutateRequestId)
            .Register<ApplyMutationRequest>(ApplyMutationRequestId)
            .Register<ReadChunkRequest>(ReadChunkRequestId)
            .Register<ReadChunkResponse>(ReadChunkResponseId);
    }

    /// <summary>
    /// A new registry holding the Raft message types (the master group speaks Raft), Chubby's (masters elect themselves and
    /// everyone finds the master through a Chubby lock when a <see cref="MasterLock"/> is used) and GFS's.
    /// </summary>
    public static MessageTypeRegistry CreateRegistry() => Register(ChubbyMessageTypes.Register(RaftMessageTypes.CreateRegistry()));
}
