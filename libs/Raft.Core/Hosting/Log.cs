using Cluster.Core;
using Microsoft.Extensions.Logging;

namespace Raft.Core;

/// <summary>Log messages of Raft.Core; event ids 2000–2999 are reserved for this library.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "{Node} started: term {Term}, last index {LastIndex}, snapshot {SnapshotIndex}, members {Configuration}")]
    public static partial void Started(ILogger logger, NodeId node, ulong term, ulong lastIndex, ulong snapshotIndex, ConfigurationState configuration);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "{Node} is now {Role} in term {Term}; leader {Leader}")]
    public static partial void RoleChanged(ILogger logger, NodeId node, RaftRole role, ulong term, NodeId leader);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "{Node}: its own disk has not finished a write for {Elapsed}, longer than an election timeout; stepping down")]
    public static partial void DiskStallStepDown(ILogger logger, NodeId node, TimeSpan elapsed);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Critical, Message = "{Node} stopped after a fault")]
    public static partial void Faulted(ILogger logger, NodeId node, Exception exception);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "{Node} took a snapshot at index {Index} ({Bytes} bytes)")]
    public static partial void SnapshotTaken(ILogger logger, NodeId node, ulong index, long bytes);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "{Node} sending snapshot {Index} to {Peer}")]
    public static partial void SnapshotSending(ILogger logger, NodeId node, ulong index, NodeId peer);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "{Node}: sending snapshot to {Peer} failed")]
    public static partial void SnapshotSendFailed(ILogger logger, NodeId node, NodeId peer, Exception exception);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "{Node} received snapshot {Index} ({Bytes} bytes) from {Peer}")]
    public static partial void SnapshotReceived(ILogger logger, NodeId node, ulong index, long bytes, NodeId peer);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Debug, Message = "{Node} dropped a message from {Peer}: {Reason}")]
    public static partial void MessageDropped(ILogger logger, NodeId node, NodeId peer, string reason);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "{Node}: a RoleChanged handler threw")]
    public static partial void EventHandlerFailed(ILogger logger, NodeId node, Exception exception);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "{Node} restored its state machine from snapshot {Index}")]
    public static partial void SnapshotRestored(ILogger logger, NodeId node, ulong index);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Error, Message = "{Node} failed to take a snapshot at index {Index}; the log is kept and the snapshot retried later")]
    public static partial void SnapshotFailed(ILogger logger, NodeId node, ulong index, Exception exception);
}
