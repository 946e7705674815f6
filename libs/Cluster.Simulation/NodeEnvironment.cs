using Cluster.Core;
using Microsoft.Extensions.Logging;

namespace Cluster.Simulation;

/// <summary>
/// Everything one incarnation of a simulated node may touch: its clock, randomness, network, disk and
/// logs. Handed to the node's start function; a restart hands a fresh one (with the same disk).
/// </summary>
public sealed class NodeEnvironment
{
    internal NodeEnvironment(SimulatedNode node, int incarnation, VirtualTimeProvider time, RandomSource random, SimulatedTransport transport, ILoggerFactory loggerFactory)
    {
        Node = node;
        Incarnation = incarnation;
        Time = time;
        Random = random;
        Transport = transport;
        LoggerFactory = loggerFactory;
    }

    /// <summary>The node this environment belongs to.</summary>
    public SimulatedNode Node { get; }

    /// <summary>The node's identity.</summary>
    public NodeId NodeId => Node.Id;

    /// <summary>Counts starts of the node: 1 for the first, 2 after the first restart, and so on.</summary>
    public int Incarnation { get; }

    /// <summary>The virtual clock; its timers die with this incarnation.</summary>
    public TimeProvider Time { get; }

    /// <summary>This incarnation's own random source, forked from the seed.</summary>
    public RandomSource Random { get; }

    /// <summary>The node's endpoint on the simulated network.</summary>
    public ITransport Transport { get; }

    /// <summary>The node's disk, which survives crashes according to the <see cref="IFileStorage"/> contract.</summary>
    public IFileStorage Storage => Node.Disk;

    /// <summary>Loggers whose messages start with the virtual time and the node.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>
    /// Creates a <see cref="MessageBus"/> over <see cref="Transport"/> with
    /// <see cref="MessageBusOptions.RunContinuationsAsynchronously"/> off, as the simulator needs.
    /// </summary>
    public MessageBus CreateMessageBus(TimeSpan? defaultRequestTimeout = null) =>
        new(Transport, Time, new MessageBusOptions
        {
            RunContinuationsAsynchronously = false,
            DefaultRequestTimeout = defaultRequestTimeout ?? MessageBusOptions.DefaultRequestTimeoutValue,
        }, LoggerFactory);
}
