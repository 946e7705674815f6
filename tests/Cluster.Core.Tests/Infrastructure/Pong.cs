using MessagePack;

namespace Cluster.Core.Tests.Infrastructure;

[MessagePackObject]
public sealed record Pong([property: Key(0)] int Number, [property: Key(1)] NodeId From);
