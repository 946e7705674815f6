using MessagePack;

namespace Cluster.Core.Tests.Infrastructure;

[MessagePackObject]
public sealed record Numbered([property: Key(0)] int Sequence);
