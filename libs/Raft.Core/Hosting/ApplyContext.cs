namespace Raft.Core;

/// <summary>Where a committed command sits in the log and what its leader recorded with it.</summary>
/// <param name="Index">The entry's log index.</param>
/// <param name="Term">The term of the leader that proposed it.</param>
/// <param name="LeaderTime">
/// The proposing leader's clock when it accepted the command, never earlier than that of any command before it (leaders' clocks
/// are taken as a running maximum). The same on every replica, so a state machine may base time rules (expiry, leases) on it
/// and stay deterministic.
/// </param>
/// <param name="ClientId">The client session the command came under, or 0 without one.</param>
public readonly record struct ApplyContext(ulong Index, ulong Term, DateTimeOffset LeaderTime, ulong ClientId);
