namespace Cluster.Simulation.Tests.Infrastructure;

/// <summary>Runs a simulation test over seeds, naming this project and the current NUnit test in the replay command.</summary>
public static class Seeds
{
    public const string Project = "tests/Cluster.Simulation.Tests";

    public static void Run(int defaultCount, Action<ulong> body) =>
        SimulationSeeds.Run(Project, TestContext.CurrentContext.Test.FullName, defaultCount, body);
}
