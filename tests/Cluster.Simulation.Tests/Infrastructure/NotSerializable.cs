namespace Cluster.Simulation.Tests.Infrastructure;

/// <summary>A message type nobody registered: the network must refuse it when copying bodies.</summary>
public sealed class NotSerializable
{
    public int Value { get; set; }
}
