namespace Cluster.Core;

/// <summary>Temporary.</summary>
public static class Placeholder { }
