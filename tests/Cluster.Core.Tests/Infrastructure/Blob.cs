using MessagePack;

namespace Cluster.Core.Tests.Infrastructure;

[MessagePackObject]
public sealed record Blob([property: Key(0)] byte[] Data);
