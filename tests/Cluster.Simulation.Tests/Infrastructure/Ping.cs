using MessagePack;

namespace Cluster.Simulation.Tests.Infrastructure;

[MessagePackObject]
public sealed record Ping([property: Key(0)] int Number, [property: Key(1)] string Text);
