namespace Raft.Core;

/// <summary>
/// One batch of work the core hands to its host. Process it in this order, then call <see cref="RaftCore.Advance"/>:
/// <list type="number">
/// <item><description>Persist <see cref="Snapshot"/> (if any), then append <see cref="Entries"/>, then save <see cref="HardState"/> (if any) — one fsync when <see cref="MustSync"/>.</description></item>
/// <item><description>Send <see cref="Messages"/>. They may depend on the state persisted in step 1, so do not send them earlier — except a leader's Append messages, which promise nothing about its own log and may leave before it persists (Raft thesis §10.2.1), provided acknowledgements are not stepped until the persist completed.</description></item>
/// <item><description>Apply <see cref="Snapshot"/> (if any) and then <see cref="CommittedEntries"/> to the state machine, in order. Some may be in <see cref="Entries"/> of this same batch; that is why persisting comes first.</description></item>
/// <item><description>Serve <see cref="ReadStates"/> once the applied index reaches each one's index.</description></item>
/// </list>
/// </summary>
/// <remarks>Only one batch is outstanding at a time: <see cref="RaftCore.GetReady"/> refuses until the previous batch is advanced.</remarks>
public sealed class Ready
{
    internal Ready(
        SoftState? softState,
        HardState? hardState,
        IReadOnlyList<LogEntry> entries,
        Snapshot? snapshot,
        IReadOnlyList<LogEntry> committedEntries,
        IReadOnlyList<RaftMessage> messages,
        IReadOnlyList<ReadState> readStates,
        bool mustSync)
    {
        SoftState = softState;
        HardState = hardState;
        Entries = entries;
        Snapshot = snapshot;
        CommittedEntries = committedEntries;
        Messages = messages;
        ReadStates = readStates;
        MustSync = mustSync;
    }

    /// <summary>The new leader and role, or null when unchanged since the last batch.</summary>
    public SoftState? SoftState { get; }

    /// <summary>The hard state to persist, or null when unchanged since the last batch.</summary>
    public HardState? HardState { get; }

    /// <summary>Entries to append to durable storage (replacing any stored entries at the same or later indexes).</summary>
    public IReadOnlyList<LogEntry> Entries { get; }

    /// <summary>A snapshot received from the leader, to persist and apply; null when none.</summary>
    public Snapshot? Snapshot { get; }

    /// <summary>Entries committed by the cluster, to apply in order after persisting.</summary>
    public IReadOnlyList<LogEntry> CommittedEntries { get; }

    /// <summary>Messages to send after persisting. Loss, delay, duplication and reordering are all tolerated.</summary>
    public IReadOnlyList<RaftMessage> Messages { get; }

    /// <summary>Confirmed linearizable reads.</summary>
    public IReadOnlyList<ReadState> ReadStates { get; }

    /// <summary>Whether persisting this batch needs an fsync (new entries, or a changed term or vote).</summary>
    public bool MustSync { get; }
}
