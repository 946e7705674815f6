namespace Raft.Core;

/// <summary>
/// The durable log as the core reads it: the hard state, a snapshot, and the entries after it. The host writes to the
/// concrete store (appending <see cref="Ready.Entries"/>, installing <see cref="Ready.Snapshot"/>, saving <see cref="Ready.HardState"/>);
/// the core only reads, and only from inside its own calls.
/// </summary>
/// <remarks>
/// The log holds entries <see cref="FirstIndex"/> to <see cref="LastIndex"/>; <see cref="Term"/> is also defined for
/// <see cref="FirstIndex"/> − 1, the last compacted index. Not thread-safe from the core's side: the host must not write
/// while the core is inside a call.
/// </remarks>
public interface IRaftLogReader
{
    /// <summary>The hard state and membership to start from.</summary>
    RaftInitialState InitialState { get; }

    /// <summary>The first index still available as an entry; the snapshot covers at least every index before it.</summary>
    ulong FirstIndex { get; }

    /// <summary>The index of the last entry, or <see cref="FirstIndex"/> − 1 when there are none.</summary>
    ulong LastIndex { get; }

    /// <summary>The latest snapshot; <see cref="Snapshot.Empty"/> when there is none.</summary>
    Snapshot Snapshot { get; }

    /// <summary>The term of the entry at <paramref name="index"/>, for <see cref="FirstIndex"/> − 1 ≤ index ≤ <see cref="LastIndex"/>.</summary>
    /// <exception cref="LogCompactedException">The index is before <see cref="FirstIndex"/> − 1.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The index is after <see cref="LastIndex"/>.</exception>
    ulong Term(ulong index);

    /// <summary>
    /// Entries in [<paramref name="low"/>, <paramref name="high"/>), stopping before the total size passes <paramref name="maxBytes"/>
    /// but always returning at least one entry when the range is not empty.
    /// </summary>
    /// <remarks>The core may pass the returned list on as it is (in messages and <see cref="Ready"/> batches): return a list of
    /// the caller's own, not a view of the store that later writes would change.</remarks>
    /// <exception cref="LogCompactedException"><paramref name="low"/> is before <see cref="FirstIndex"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="high"/> is after <see cref="LastIndex"/> + 1.</exception>
    IReadOnlyList<LogEntry> Entries(ulong low, ulong high, long maxBytes);
}
