using MessagePack;

namespace Benchmarks.Simulation;

/// <summary>The answer of the simulator speed workload.</summary>
[MessagePackObject]
public sealed record SimPong([property: Key(0)] long Number);
