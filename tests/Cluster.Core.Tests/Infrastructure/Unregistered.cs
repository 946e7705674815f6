using MessagePack;

namespace Cluster.Core.Tests.Infrastructure;

/// <summary>A message type the test registry does not know.</summary>
[MessagePackObject]
public sealed record Unregistered([property: Key(0)] int Value);
