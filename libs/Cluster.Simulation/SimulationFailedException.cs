namespace Cluster.Simulation;

/// <summary>A simulation run failed for one seed; the message carries the seed and one command that replays it.</summary>
public sealed class SimulationFailedException : Exception
{
    /// <summary>Creates the exception for the failure <paramref name="innerException"/> of seed <paramref name="seed"/>.</summary>
    public SimulationFailedException(ulong seed, string replayCommand, Exception innerException)
        : base($"Simulation failed with seed {seed}: {innerException?.Message}{Environment.NewLine}Replay: {replayCommand}", innerException)
    {
        Seed = seed;
        ReplayCommand = replayCommand;
    }

    /// <summary>The seed that failed.</summary>
    public ulong Seed { get; }

    /// <summary>The command line that runs just this seed of just this test.</summary>
    public string ReplayCommand { get; }
}
