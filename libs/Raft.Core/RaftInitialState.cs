namespace Raft.Core;

/// <summary>What a node recovers at start-up from its storage.</summary>
/// <param name="HardState">The last persisted hard state.</param>
/// <param name="Configuration">The membership as of the storage's snapshot (entries after it are replayed through committed entries).</param>
public sealed record RaftInitialState(HardState HardState, ConfigurationState Configuration);
