namespace Raft.Core;

/// <summary>
/// The application that a <see cref="RaftNode"/> replicates: a deterministic function from commands to state and results, with
/// read-only queries and snapshots.
/// </summary>
/// <remarks>
/// <para>
/// <b>Determinism.</b> Every replica applies the same commands in the same order and must reach the same state and results: no
/// clock, randomness or I/O outside the command may influence <see cref="ApplyAsync(ApplyContext, ReadOnlyMemory{byte}, CancellationToken)"/>. The log index is passed in for state
/// machines that want it (for example as a version number).
/// </para>
/// <para>
/// <b>Threading.</b> The node calls these methods one at a time from its apply loop, never concurrently, and never on the path
/// that replicates the log, so a slow state machine delays results, not consensus. An exception from
/// <see cref="ApplyAsync(ApplyContext, ReadOnlyMemory{byte}, CancellationToken)"/> stops the node (see <see cref="StateMachineFaultedException"/>): a replica that cannot apply a
/// committed command must not go on and diverge.
/// </para>
/// <para>
/// <b>Buffers.</b> The command's bytes stay valid and unchanged for as long as they are referenced, but small commands share
/// larger buffers with neighbouring log entries: copy a command (or deserialize it, which copies) rather than keep a slice of it
/// for long, or that slice keeps the whole buffer in memory.
/// </para>
/// </remarks>
public interface IStateMachine
{
    /// <summary>Applies one committed command and returns its result, which goes back to the proposer.</summary>
    ValueTask<ReadOnlyMemory<byte>> ApplyAsync(ulong index, ReadOnlyMemory<byte> command, CancellationToken cancellationToken);

    /// <summary>
    /// Applies one committed command with its context (index, term, the leader's recorded time, the client session). The node
    /// calls this overload; by default it forwards to <see cref="ApplyAsync(ulong, ReadOnlyMemory{byte}, CancellationToken)"/>.
    /// Override it to use the log's deterministic clock.
    /// </summary>
    ValueTask<ReadOnlyMemory<byte>> ApplyAsync(ApplyContext context, ReadOnlyMemory<byte> command, CancellationToken cancellationToken) =>
        ApplyAsync(context.Index, command, cancellationToken);

    /// <summary>Answers a read-only query against the current state; must not change it.</summary>
    ValueTask<ReadOnlyMemory<byte>> QueryAsync(ReadOnlyMemory<byte> query, CancellationToken cancellationToken);

    /// <summary>Writes the whole state to <paramref name="destination"/>; its size need not be known in advance.</summary>
    ValueTask WriteSnapshotAsync(Stream destination, CancellationToken cancellationToken);

    /// <summary>Replaces the whole state with the one read from <paramref name="source"/> (written by <see cref="WriteSnapshotAsync"/>).</summary>
    ValueTask RestoreSnapshotAsync(Stream source, CancellationToken cancellationToken);
}
