using Cluster.Core;
using Raft.Core;

namespace Haystack;

/// <summary>The message types Haystack's Stores, Caches and clients exchange, with their fixed type ids (block 500–599).</summary>
public static class HaystackMessageTypes
{
    /// <summary>Type id of <see cref="StoreWriteRequest"/>.</summary>
    public const ushort StoreWriteRequestId = 500;

    /// <summary>Type id of <see cref="StoreReadRequest"/>.</summary>
    public const ushort StoreReadRequestId = 501;

    /// <summary>Type id of <see cref="StoreDeleteRequest"/>.</summary>
    public const ushort StoreDeleteRequestId = 502;

    /// <summary>Type id of <see cref="StoreResponse"/>.</summary>
    public const ushort StoreResponseId = 503;

    /// <summary>Type id of <see cref="CacheReadRequest"/>.</summary>
    public const ushort CacheReadRequestId = 504;

    /// <summary>Type id of <see cref="CacheInvalidateRequest"/>.</summary>
    public const ushort CacheInvalidateRequestId = 505;

    /// <summary>Type id of <see cref="StoreListRequest"/>.</summary>
    public const ushort StoreListRequestId = 506;

    /// <summary>Type id of <see cref="StoreListResponse"/>.</summary>
    public const ushort StoreListResponseId = 507;

    /// <summary>Type id of <see cref="StoreCopyRequest"/>.</summary>
    public const ushort StoreCopyRequestId = 508;

    /// <summary>Registers every Haystack message type in <paramref name="types"/> and returns it.</summary>
    public static MessageTypeRegistry Register(MessageTypeRegistry types)
    {
        ArgumentNullException.ThrowIfNull(types);
        return types
            .Register<StoreWriteRequest>(StoreWriteRequestId)
            .Register<StoreReadRequest>(StoreReadRequestId)
            .Register<StoreDeleteRequest>(StoreDeleteRequestId)
            .Register<StoreResponse>(StoreResponseId)
            .Register<CacheReadRequest>(CacheReadRequestId)
            .Register<CacheInvalidateRequest>(CacheInvalidateRequestId)
            .Register<StoreListRequest>(StoreListRequestId)
            .Register<StoreListResponse>(StoreListResponseId)
            .Register<StoreCopyRequest>(StoreCopyRequestId);
    }

    /// <summary>A new registry holding the Raft message types (the Directory speaks Raft) and Haystack's.</summary>
    public static MessageTypeRegistry CreateRegistry() => Register(RaftMessageTypes.CreateRegistry());
}
