using MessagePack;

namespace Cluster.Core.Tests.Infrastructure;

[MessagePackObject]
public sealed record Ping([property: Key(0)] int Number);
