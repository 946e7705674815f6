using Cluster.Core;

namespace Raft.Core.Tests.Infrastructure;

/// <summary>Everything a log store reports, captured for comparison: snapshot, hard state and entries (data compared by content).</summary>
internal sealed record LogContents(SnapshotMetadata Snapshot, HardState HardState, IReadOnlyList<LogEntry> Entries)
{
    public static LogContents Of(IRaftLogReader log)
    {
        var entries = log.LastIndex >= log.FirstIndex ? log.Entries(log.FirstIndex, log.LastIndex + 1, long.MaxValue) : [];
        return new LogContents(log.Snapshot.Metadata, log.InitialState.HardState, entries);
    }

    public bool Equals(LogContents? other) =>
        other is not null
        && Snapshot.Equals(other.Snapshot)
        && HardState == other.HardState
        && Entries.Count == other.Entries.Count
        && Entries.Zip(other.Entries).All(pair => SameEntry(pair.First, pair.Second));

    public override int GetHashCode() => HashCode.Combine(Snapshot.Index, HardState, Entries.Count);

    public override string ToString() =>
        $"snapshot {Snapshot.Index}/{Snapshot.Term}, hard state {HardState.Term}/{HardState.Vote}/{HardState.Commit}, entries [{string.Join(' ', Entries.Select(e => $"{e.Index}/{e.Term}"))}]";

    public static bool SameEntry(LogEntry a, LogEntry b) =>
        a.Index == b.Index && a.Term == b.Term && a.Kind == b.Kind && a.Data.Span.SequenceEqual(b.Data.Span);
}
