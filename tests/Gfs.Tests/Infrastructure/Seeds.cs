using Cluster.Simulation;

namespace Gfs.Tests.Infrastructure;

/// <summary>Runs a simulation test over seeds, naming this project and the current test in the replay command.</summary>
internal static class Seeds
{
    public const string Project = "tests/Gfs.Tests";

    public static void Run(int defaultCount, Action<ulong> body) =>
        SimulationSeeds.Run(Project, TestContext.CurrentContext.Test.FullName, defaultCount, body);
}
