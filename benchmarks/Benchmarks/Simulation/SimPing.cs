using MessagePack;

namespace Benchmarks.Simulation;

/// <summary>The request of the simulator speed workload.</summary>
[MessagePackObject]
public sealed record SimPing([property: Key(0)] long Number, [property: Key(1)] string Text);
