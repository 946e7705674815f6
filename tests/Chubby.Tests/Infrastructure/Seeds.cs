using Cluster.Simulation;

namespace Chubby.Tests;

/// <summary>Runs a simulation test over seeds, naming this project and the current test in the replay command.</summary>
internal static class Seeds
{
    public const string Project = "tests/Chubby.Tests";

    public static void Run(int defaultCount, Action<ulong> body) =>
        SimulationSeeds.Run(Project, TestContext.CurrentContext.Test.FullName, defaultCount, body);
}
