namespace Cluster.Simulation;

/// <summary>Temporary.</summary>
public static class Placeholder { }
