using Cluster.Core;

namespace Cluster.Simulation.Tests.Infrastructure;

public static class TestRegistry
{
    public static MessageTypeRegistry Create() => new MessageTypeRegistry().Register<Ping>(1000).Register<Pong>(1001);

    public static SimulatorOptions Options(NetworkOptions? network = null, DiskOptions? disk = null, int traceText = 0) => new()
    {
        Network = network ?? new NetworkOptions { Registry = Create() },
        Disk = disk,
        TraceTextCapacity = traceText,
    };

    public static NodeId N(ulong id) => new(id);
}
