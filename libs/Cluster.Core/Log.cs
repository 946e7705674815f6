using Microsoft.Extensions.Logging;

namespace Cluster.Core;

/// <summary>Log messages of Cluster.Core; event ids 1000–1999 are reserved for this library.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Debug, Message = "Answer {CorrelationId} from {Peer} matches no waiting request (late, duplicate or forged); dropped")]
    public static partial void LateAnswer(ILogger logger, NodeId peer, ulong correlationId);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Envelope of unknown kind {Kind} from {Peer} dropped")]
    public static partial void UnknownKind(ILogger logger, NodeId peer, byte kind);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "No handler for {MessageType} from {Peer}; dropped")]
    public static partial void NoHandler(ILogger logger, NodeId peer, string messageType);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Handler of {MessageType} from {Peer} failed")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, NodeId peer, string messageType);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "Answer to {MessageType} for {Peer} dropped by the transport")]
    public static partial void AnswerDropped(ILogger logger, NodeId peer, string messageType);
}
