using System.Globalization;

namespace Cluster.Simulation;

/// <summary>
/// Runs a simulation body once per seed: a fixed number by default, more with the environment variable
/// <c>SIM_SEEDS=N</c>, or exactly one with <c>SIM_SEED=S</c> (decimal, or hex with <c>0x</c>). A failing seed
/// is rethrown as <see cref="SimulationFailedException"/> whose message holds one command replaying it.
/// </summary>
/// <remarks>
/// The library does not know the test framework, so callers pass the test project folder and the test's
/// fully qualified name (with NUnit: <c>TestContext.CurrentContext.Test.FullName</c>).
/// </remarks>
public static class SimulationSeeds
{
    /// <summary>The variable that sets how many seeds to run.</summary>
    public const string SeedCountVariable = "SIM_SEEDS";

    /// <summary>The variable that replays one seed.</summary>
    public const string SeedVariable = "SIM_SEED";

    /// <summary>The seeds to run: seed 1 to N, or the one named by <c>SIM_SEED</c>.</summary>
    /// <exception cref="FormatException">A variable is set but not a number.</exception>
    public static IReadOnlyList<ulong> Seeds(int defaultCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(defaultCount);
        var single = Environment.GetEnvironmentVariable(SeedVariable);
        if (!string.IsNullOrWhiteSpace(single))
        {
            return [ParseSeed(single)];
        }

        var countText = Environment.GetEnvironmentVariable(SeedCountVariable);
        var count = string.IsNullOrWhiteSpace(countText)
            ? defaultCount
            : int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
                ? parsed
                : throw new FormatException($"{SeedCountVariable}='{countText}' is not a positive number of seeds.");
        var seeds = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            seeds[i] = (ulong)i + 1;
        }

        return seeds;
    }

    /// <summary>Runs <paramref name="body"/> for each seed; the first failure stops the run.</summary>
    /// <param name="testProject">The test project folder relative to the repository root, e.g. <c>tests/Raft.Core.Tests</c>.</param>
    /// <param name="testName">The test's fully qualified name, used in the replay filter.</param>
    /// <param name="defaultCount">How many seeds to run when <c>SIM_SEEDS</c> is not set.</param>
    /// <param name="body">The simulation, given its seed.</param>
    /// <exception cref="SimulationFailedException">A seed failed; the message holds the replay command.</exception>
    public static void Run(string testProject, string testName, int defaultCount, Action<ulong> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        foreach (var seed in Seeds(defaultCount))
        {
            try
            {
                body(seed);
            }
            catch (Exception ex) when (ex is not SimulationFailedException)
            {
                throw new SimulationFailedException(seed, ReplayCommand(seed, testProject, testName), ex);
            }
        }
    }

    /// <summary>The command line that replays <paramref name="seed"/> of one test.</summary>
    public static string ReplayCommand(ulong seed, string testProject, string testName)
    {
        ArgumentException.ThrowIfNullOrEmpty(testProject);
        ArgumentException.ThrowIfNullOrEmpty(testName);

        // Parameterised test names carry arguments in parentheses; the filter matches on the method name.
        var parenthesis = testName.IndexOf('(', StringComparison.Ordinal);
        var filterName = parenthesis > 0 ? testName[..parenthesis] : testName;
        return string.Create(CultureInfo.InvariantCulture, $"{SeedVariable}={seed} dotnet test {testProject} --filter \"FullyQualifiedName~{filterName}\"");
    }

    private static ulong ParseSeed(string text)
    {
        text = text.Trim();
        var parsed = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) ? hex : (ulong?)null
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var dec) ? dec : null;
        return parsed ?? throw new FormatException($"{SeedVariable}='{text}' is not a seed; use a decimal number or 0x followed by hex digits.");
    }
}
