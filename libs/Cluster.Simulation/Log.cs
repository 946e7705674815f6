using Cluster.Core;
using Microsoft.Extensions.Logging;

namespace Cluster.Simulation;

/// <summary>Log messages of Cluster.Simulation; event ids 2000–2999 are reserved for this library.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Node {Node} crashed at {VirtualTime}")]
    public static partial void NodeCrashed(ILogger logger, NodeId node, TimeSpan virtualTime);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Node {Node} restarts as incarnation {Incarnation} at {VirtualTime}")]
    public static partial void NodeRestarted(ILogger logger, NodeId node, int incarnation, TimeSpan virtualTime);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Node {Node} paused at {VirtualTime}")]
    public static partial void NodePaused(ILogger logger, NodeId node, TimeSpan virtualTime);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Node {Node} resumed with {HeldEvents} held events at {VirtualTime}")]
    public static partial void NodeResumed(ILogger logger, NodeId node, int heldEvents, TimeSpan virtualTime);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Network partitioned [{Side}] | [{OtherSide}] at {VirtualTime}")]
    public static partial void Partitioned(ILogger logger, string side, string otherSide, TimeSpan virtualTime);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Network healed at {VirtualTime}")]
    public static partial void Healed(ILogger logger, TimeSpan virtualTime);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Disk of {Node} stalled at {VirtualTime}")]
    public static partial void DiskStalled(ILogger logger, NodeId node, TimeSpan virtualTime);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Nemesis: {Fault} at {VirtualTime}")]
    public static partial void NemesisFault(ILogger logger, string fault, TimeSpan virtualTime);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "Scheduled fault: {Fault} at {VirtualTime}")]
    public static partial void ScheduledFault(ILogger logger, string fault, TimeSpan virtualTime);
}
