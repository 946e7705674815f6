using Cluster.Core;
using Microsoft.Extensions.Logging;

namespace Chubby;

/// <summary>Log messages of Chubby; event ids 3000–3999 are reserved for this library.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "{Node} is master of cell {Cell} in epoch {Epoch}: {Sessions} sessions, leases extended to at least their recorded promises")]
    public static partial void BecameMaster(ILogger logger, NodeId node, string cell, ulong epoch, int sessions);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "{Node} is no longer master (epoch {Epoch})")]
    public static partial void LostMastership(ILogger logger, NodeId node, ulong epoch);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "{Node}: every session acknowledged the fail-over to epoch {Epoch} or expired; changes are allowed")]
    public static partial void RecoveryFinished(ILogger logger, NodeId node, ulong epoch);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "{Node}: session {Session} created for {Client}")]
    public static partial void SessionCreated(ILogger logger, NodeId node, ulong session, NodeId client);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "{Node}: sessions {Sessions} ended ({Reason})")]
    public static partial void SessionsEnded(ILogger logger, NodeId node, string sessions, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "{Node}: a master task failed")]
    public static partial void MasterTaskFailed(ILogger logger, NodeId node, Exception exception);

    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Client {Client}: session {Session} is {State}")]
    public static partial void ClientSessionState(ILogger logger, NodeId client, ulong session, ChubbySessionState state);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Client {Client}: master failed over to epoch {Epoch} at {Master}; cache flushed")]
    public static partial void ClientFailover(ILogger logger, NodeId client, ulong epoch, NodeId master);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Client {Client}: a handler of {Kind} failed")]
    public static partial void EventHandlerFailed(ILogger logger, NodeId client, ChubbyEventKind kind, Exception exception);
}
