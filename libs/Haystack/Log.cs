using Cluster.Core;
using Microsoft.Extensions.Logging;

namespace Haystack;

/// <summary>Log messages of Haystack; event ids 5000–5999 are reserved for this library.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Volume {VolumeId} opened: {Needles} needles, {Bytes} bytes, scanned from offset {ScanFrom}")]
    public static partial void Opened(ILogger logger, uint volumeId, int needles, long bytes, long scanFrom);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Torn tail in '{FileName}' at offset {Offset}: {Bytes} bytes of an unacknowledged write cut off")]
    public static partial void TornTail(ILogger logger, string fileName, long offset, long bytes);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Index checkpoint of volume {VolumeId} ignored because {Reason}; the volume is scanned instead")]
    public static partial void CheckpointIgnored(ILogger logger, uint volumeId, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "Index checkpoint of volume {VolumeId} failed")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception, uint volumeId);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Error, Message = "Corrupt needle in '{FileName}' at offset {Offset}: {Reason}")]
    public static partial void NeedleCorrupt(ILogger logger, string fileName, long offset, string reason);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Volume {VolumeId}: removed the copy left by an interrupted compaction")]
    public static partial void CompactionLeftover(ILogger logger, uint volumeId);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "Volume {VolumeId} compacted from {BytesBefore} to {BytesAfter} bytes, {Needles} live needles")]
    public static partial void Compacted(ILogger logger, uint volumeId, long bytesBefore, long bytesAfter, int needles);
    [LoggerMessage(EventId = 5100, Level = LogLevel.Warning, Message = "Store {Store} sent no heartbeat for {Timeout}; marking it down")]
    public static partial void StoreMissedHeartbeats(ILogger logger, NodeId store, TimeSpan timeout);

    [LoggerMessage(EventId = 5200, Level = LogLevel.Information, Message = "Store {Store} created volume {VolumeId} of {VolumeBytes} bytes")]
    public static partial void VolumeCreated(ILogger logger, NodeId store, uint volumeId, long volumeBytes);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "Store {Store} could not reach the Directory")]
    public static partial void HeartbeatFailed(ILogger logger, Exception exception, NodeId store);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Error, Message = "Store {Store} found corruption in volume {VolumeId}; reporting it to the Directory")]
    public static partial void CorruptionFound(ILogger logger, NodeId store, uint volumeId);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Error, Message = "Store {Store} cannot open volume {VolumeId}; it stays offline until the Directory has it rebuilt")]
    public static partial void VolumeUnreadable(ILogger logger, Exception exception, NodeId store, uint volumeId);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Information, Message = "Store {Store} repairs volume {VolumeId} from {Source}")]
    public static partial void RepairStarted(ILogger logger, NodeId store, uint volumeId, NodeId source);

    [LoggerMessage(EventId = 5205, Level = LogLevel.Information, Message = "Store {Store} repaired volume {VolumeId} from {Source}: {Copied} needles copied ({Replaced} replacing damaged ones), {Deleted} deleted; accepted by the Directory: {Accepted}")]
    public static partial void RepairCompleted(ILogger logger, NodeId store, uint volumeId, NodeId source, int copied, int replaced, int deleted, bool accepted);

    [LoggerMessage(EventId = 5206, Level = LogLevel.Warning, Message = "Store {Store} could not repair volume {VolumeId} from {Source}; trying again")]
    public static partial void RepairFailed(ILogger logger, Exception exception, NodeId store, uint volumeId, NodeId source);

    [LoggerMessage(EventId = 5208, Level = LogLevel.Debug, Message = "Store {Store} waits for {Source} to hear of the repair of volume {VolumeId}")]
    public static partial void RepairWaiting(ILogger logger, NodeId store, uint volumeId, NodeId source);

    [LoggerMessage(EventId = 5209, Level = LogLevel.Information, Message = "Store {Store} compacts volume {VolumeId}: {ReclaimableBytes} of {SizeBytes} bytes reclaimable")]
    public static partial void CompactionStarted(ILogger logger, NodeId store, uint volumeId, long reclaimableBytes, long sizeBytes);

    [LoggerMessage(EventId = 5210, Level = LogLevel.Warning, Message = "Store {Store} could not compact volume {VolumeId}")]
    public static partial void CompactionFailed(ILogger logger, Exception exception, NodeId store, uint volumeId);

    [LoggerMessage(EventId = 5207, Level = LogLevel.Information, Message = "Store {Store} deleted volume {VolumeId}: another Store took its replica over")]
    public static partial void VolumeRetired(ILogger logger, NodeId store, uint volumeId);

    [LoggerMessage(EventId = 5300, Level = LogLevel.Warning, Message = "Replica {Store} of volume {VolumeId} failed: {Failure}")]
    public static partial void ReplicaFailed(ILogger logger, NodeId store, uint volumeId, ReplicaFailure failure);

    [LoggerMessage(EventId = 5301, Level = LogLevel.Warning, Message = "Cache {Cache} did not confirm dropping photo {Key} of volume {VolumeId} after a delete")]
    public static partial void CacheInvalidationFailed(ILogger logger, NodeId cache, uint volumeId, ulong key);
}
