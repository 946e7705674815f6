using Cluster.Core;
using Microsoft.Extensions.Logging;

namespace Gfs;

/// <summary>Log messages of the chunkserver (4100s) and the master (4200s).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4200, Level = LogLevel.Information, Message = "Master node {Node} leads in term {Term}; learning chunk locations from heartbeats")]
    public static partial void MasterLeading(ILogger logger, NodeId node, ulong term);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Chunkserver {Server} joined (rack '{Rack}')")]
    public static partial void ChunkserverJoined(ILogger logger, NodeId server, string rack);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "Chunkserver {Server} sent no heartbeat for {Timeout}; its replicas no longer count")]
    public static partial void ChunkserverDead(ILogger logger, NodeId server, TimeSpan timeout);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Warning, Message = "Replica of chunk {Handle} on {Server} is stale (version {Version}, current {Current}); deleting it")]
    public static partial void StaleReplica(ILogger logger, ulong handle, NodeId server, ulong version, ulong current);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Error, Message = "Replica of chunk {Handle} on {Server} reports version {Version}, above the master's {Current}; ignoring it")]
    public static partial void ReplicaAhead(ILogger logger, ulong handle, NodeId server, ulong version, ulong current);

    [LoggerMessage(EventId = 4205, Level = LogLevel.Warning, Message = "A client reported the replica of chunk {Handle} on {Server} as bad")]
    public static partial void BadReplicaReported(ILogger logger, ulong handle, NodeId server);

    [LoggerMessage(EventId = 4206, Level = LogLevel.Information, Message = "Chunk {Handle} re-replicated from {Source} to {Target}")]
    public static partial void ChunkReReplicated(ILogger logger, ulong handle, NodeId source, NodeId target);

    [LoggerMessage(EventId = 4207, Level = LogLevel.Warning, Message = "Cloning chunk {Handle} to {Target} from {Source} failed: {Reason}")]
    public static partial void CloneFailed(ILogger logger, ulong handle, NodeId target, NodeId source, string reason);

    [LoggerMessage(EventId = 4208, Level = LogLevel.Error, Message = "Chunk {Handle} (version {Version}) has no live replica")]
    public static partial void ChunkLost(ILogger logger, ulong handle, ulong version);

    [LoggerMessage(EventId = 4209, Level = LogLevel.Information, Message = "Garbage collection reclaimed {Chunks} chunks of deleted files")]
    public static partial void TrashReclaimed(ILogger logger, long chunks);

    [LoggerMessage(EventId = 4210, Level = LogLevel.Information, Message = "Chunk {Handle} shared by a snapshot was copied to chunk {Copy} before a write to '{Path}'")]
    public static partial void ChunkCopiedOnWrite(ILogger logger, ulong handle, ulong copy, string path);

    [LoggerMessage(EventId = 4100, Level = LogLevel.Warning, Message = "Chunkserver {Server}: no master answered its heartbeat")]
    public static partial void NoMasterAnswered(ILogger logger, NodeId server);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Chunkserver {Server} deleted its replica of chunk {Handle} as the master asked")]
    public static partial void ReplicaDeleted(ILogger logger, NodeId server, ulong handle);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Debug, Message = "Chunkserver {Server} is primary of chunk {Handle} at version {Version}")]
    public static partial void LeaseGranted(ILogger logger, NodeId server, ulong handle, ulong version);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Error, Message = "Chunkserver {Server}: a read of chunk {Handle} failed the checksum of block {Block}; the replica is marked corrupt")]
    public static partial void ReadFoundCorruption(ILogger logger, NodeId server, ulong handle, long block);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Chunkserver {Server}: an operation on chunk {Handle} failed in the store")]
    public static partial void StoreOperationFailed(ILogger logger, Exception exception, NodeId server, ulong handle);

    [LoggerMessage(EventId = 4211, Level = LogLevel.Information, Message = "Rebalancing moved the replica of chunk {Handle} from {Source} to {Target}")]
    public static partial void ReplicaMoved(ILogger logger, ulong handle, NodeId source, NodeId target);

    [LoggerMessage(EventId = 4212, Level = LogLevel.Information, Message = "Master node {Node} acts as master in epoch {Epoch} (Raft term {Term}, Chubby lock generation {Generation})")]
    public static partial void MasterActing(ILogger logger, NodeId node, ulong epoch, ulong term, ulong generation);

    [LoggerMessage(EventId = 4213, Level = LogLevel.Information, Message = "Master node {Node} holds the master lock {Path} (generation {Generation})")]
    public static partial void MasterLockAcquired(ILogger logger, NodeId node, string path, ulong generation);

    [LoggerMessage(EventId = 4214, Level = LogLevel.Warning, Message = "Master node {Node} lost the master lock {Path} ({Reason}); it no longer acts as master")]
    public static partial void MasterLockLost(ILogger logger, NodeId node, string path, string reason);

    [LoggerMessage(EventId = 4215, Level = LogLevel.Information, Message = "Master node {Node} hands the Raft leadership to {Target}, which can take the master lock")]
    public static partial void HandingOver(ILogger logger, NodeId node, NodeId target);

    [LoggerMessage(EventId = 4216, Level = LogLevel.Warning, Message = "Master node {Node} could not take over: {Reason}")]
    public static partial void TakeOverRefused(ILogger logger, NodeId node, string reason);

    [LoggerMessage(EventId = 4217, Level = LogLevel.Information, Message = "Master node {Node} released the master lock {Path}: it no longer leads the group")]
    public static partial void MasterLockReleased(ILogger logger, NodeId node, string path);

    [LoggerMessage(EventId = 4218, Level = LogLevel.Warning, Message = "Master node {Node}: chunkserver {Server} refused {Kind} of epoch {Epoch}; a later master has taken over")]
    public static partial void CommandRefusedAsStale(ILogger logger, NodeId node, NodeId server, ChunkCommandKind kind, ulong epoch);

    [LoggerMessage(EventId = 4219, Level = LogLevel.Information, Message = "Chunk {Handle} had {Replicas} replicas; the one on {Server} is surplus and will be deleted")]
    public static partial void SurplusReplicaRemoved(ILogger logger, ulong handle, NodeId server, int replicas);

    [LoggerMessage(EventId = 4220, Level = LogLevel.Information, Message = "Replica of chunk {Handle} on {Server} raised to version {Version}: it missed only a bump that no lease was granted at")]
    public static partial void ReplicaRolledForward(ILogger logger, ulong handle, NodeId server, ulong version);

    [LoggerMessage(EventId = 4221, Level = LogLevel.Information, Message = "A client could not reach {Server}, a replica of the lease on chunk {Handle} at version {Version}; the lease is replaced by one without it")]
    public static partial void LeaseReplicaUnreachable(ILogger logger, ulong handle, NodeId server, ulong version);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "Chunkserver {Server} refused {Kind} of chunk {Handle} from {Master}: its epoch {Epoch} is older than epoch {Newest}, a deposed master")]
    public static partial void CommandFromDeposedMaster(ILogger logger, NodeId server, ChunkCommandKind kind, ulong handle, NodeId master, ulong epoch, ulong newest);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning, Message = "Chunkserver {Server} ignored the heartbeat answer of {Master}: its epoch {Epoch} is older than epoch {Newest}, a deposed master")]
    public static partial void ReplyFromDeposedMaster(ILogger logger, NodeId server, NodeId master, ulong epoch, ulong newest);
}
