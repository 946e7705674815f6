namespace Cluster.Simulation.Tests;

[NonParallelizable]
public sealed class SimulationSeedsTests
{
    private string? _savedSeed;
    private string? _savedSeeds;

    [SetUp]
    public void SaveEnvironment()
    {
        _savedSeed = Environment.GetEnvironmentVariable(SimulationSeeds.SeedVariable);
        _savedSeeds = Environment.GetEnvironmentVariable(SimulationSeeds.SeedCountVariable);
        Environment.SetEnvironmentVariable(SimulationSeeds.SeedVariable, null);
        Environment.SetEnvironmentVariable(SimulationSeeds.SeedCountVariable, null);
    }

    [TearDown]
    public void RestoreEnvironment()
    {
        Environment.SetEnvironmentVariable(SimulationSeeds.SeedVariable, _savedSeed);
        Environment.SetEnvironmentVariable(SimulationSeeds.SeedCountVariable, _savedSeeds);
    }

    [Test]
    public void The_replay_command_names_the_seed_project_and_test()
    {
        var command = SimulationSeeds.ReplayCommand(123, "tests/X.Tests", "X.Tests.Fixture.Test_name(5)");
        Assert.That(command, Is.EqualTo("SIM_SEED=123 dotnet test tests/X.Tests --filter \"FullyQualifiedName~X.Tests.Fixture.Test_name\""));
    }

    [Test]
    public void A_failing_seed_is_reported_with_one_replay_command()
    {
        var ran = new List<ulong>();
        var failure = Assert.Throws<SimulationFailedException>(() => SimulationSeeds.Run("tests/X.Tests", "X.Tests.Fixture.Test", 5, seed =>
        {
            ran.Add(seed);
            if (seed == 3)
            {
                throw new InvalidOperationException("invariant broken");
            }
        }));
        Assert.Multiple(() =>
        {
            Assert.That(ran, Is.EqualTo(new ulong[] { 1, 2, 3 }));
            Assert.That(failure!.Seed, Is.EqualTo(3));
            Assert.That(failure.Message, Does.Contain("seed 3").And.Contain("invariant broken"));
            Assert.That(failure.Message, Does.Contain("SIM_SEED=3 dotnet test tests/X.Tests --filter \"FullyQualifiedName~X.Tests.Fixture.Test\""));
            Assert.That(failure.Message.Split("dotnet test").Length, Is.EqualTo(2), "exactly one command");
            Assert.That(failure.InnerException, Is.InstanceOf<InvalidOperationException>());
        });
    }

    [Test]
    public void SIM_SEEDS_runs_more_seeds()
    {
        Environment.SetEnvironmentVariable(SimulationSeeds.SeedCountVariable, "12");
        Assert.That(SimulationSeeds.Seeds(3), Is.EqualTo(Enumerable.Range(1, 12).Select(i => (ulong)i)));
    }

    [Test]
    public void SIM_SEED_replays_exactly_one_seed_in_decimal_or_hex()
    {
        Environment.SetEnvironmentVariable(SimulationSeeds.SeedCountVariable, "12");
        Environment.SetEnvironmentVariable(SimulationSeeds.SeedVariable, "987654321");
        Assert.That(SimulationSeeds.Seeds(3), Is.EqualTo(new ulong[] { 987654321 }));
        Environment.SetEnvironmentVariable(SimulationSeeds.SeedVariable, "0xFF");
        Assert.That(SimulationSeeds.Seeds(3), Is.EqualTo(new ulong[] { 255 }));
    }

    [Test]
    public void A_malformed_variable_is_an_error_not_a_silent_default()
    {
        Environment.SetEnvironmentVariable(SimulationSeeds.SeedVariable, "abc");
        Assert.That(() => SimulationSeeds.Seeds(3), Throws.InstanceOf<FormatException>().With.Message.Contains("SIM_SEED"));
    }

    [Test]
    public void Without_variables_the_default_count_runs()
    {
        Assert.That(SimulationSeeds.Seeds(3), Is.EqualTo(new ulong[] { 1, 2, 3 }));
    }
}
