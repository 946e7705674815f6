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

    // TCP transport: 1100–1199.
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "{Node} listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, NodeId node, System.Net.EndPoint endPoint);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Connected to {Peer} at {Address}")]
    public static partial void Connected(ILogger logger, NodeId peer, string address);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Accepted {Peer} from {RemoteEndPoint}")]
    public static partial void Accepted(ILogger logger, NodeId peer, System.Net.EndPoint? remoteEndPoint);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Refused connection from {RemoteEndPoint} ({Reason}): {Detail}")]
    public static partial void InboundRefused(ILogger logger, System.Net.EndPoint? remoteEndPoint, string reason, string detail);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Could not connect to {Peer} at {Address} ({Reason}): {Detail}; retrying in {RetryDelay}")]
    public static partial void DialFailed(ILogger logger, NodeId peer, string address, string reason, string detail, TimeSpan retryDelay);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Closed connection with {Peer} ({Reason}): {Detail}")]
    public static partial void ConnectionFailed(ILogger logger, NodeId peer, string reason, string detail);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Information, Message = "Connection with {Peer} ({Direction}) ended: {Detail}")]
    public static partial void ConnectionEnded(ILogger logger, NodeId peer, string direction, string detail);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Warning, Message = "Refused connection from {RemoteEndPoint}: already {MaxInboundConnections} inbound connections (TcpTransportOptions.MaxInboundConnections)")]
    public static partial void InboundLimit(ILogger logger, System.Net.EndPoint? remoteEndPoint, int maxInboundConnections);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Error, Message = "Could not encode {MessageType} for {Peer}; the envelope was dropped")]
    public static partial void EncodeFailed(ILogger logger, Exception exception, NodeId peer, string messageType);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Error, Message = "The receiver failed on an envelope from {Peer}")]
    public static partial void ReceiverFailed(ILogger logger, Exception exception, NodeId peer);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Information, Message = "Address of {Peer} set to {Address}")]
    public static partial void PeerAddressSet(ILogger logger, NodeId peer, string address);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Warning, Message = "Accepting a connection failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Information, Message = "{Node} stopped its TCP transport")]
    public static partial void Stopped(ILogger logger, NodeId node);
}
