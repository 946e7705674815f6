using MessagePack;

namespace Cluster.Simulation.Tests.Infrastructure;

[MessagePackObject]
public sealed record Pong([property: Key(0)] int Number);
