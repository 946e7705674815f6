using Cluster.Core;

namespace Raft.Core;

/// <summary>
/// The starting point of a founding member of a new cluster, shared by every log store so that all of them bootstrap identically:
/// one committed configuration entry at index 1, term 1, that makes the voters the configuration.
/// </summary>
internal static class LogBootstrap
{
    /// <summary>The hard state that goes with the bootstrap entry: term 1, no vote, the entry committed.</summary>
    public static readonly HardState HardState = new(1, NodeId.None, 1);

    /// <summary>Creates the configuration entry for <paramref name="voters"/> (sorted and deduplicated, so every member writes the same bytes).</summary>
    /// <exception cref="ArgumentException">There are no voters.</exception>
    public static LogEntry CreateEntry(IEnumerable<NodeId> voters)
    {
        ArgumentNullException.ThrowIfNull(voters);
        var change = new ConfigChange
        {
            Items = [.. ConfigurationState.Normalize(voters).Select(v => new ConfigChangeItem(ConfigChangeType.AddVoter, v))],
        };
        if (change.Items.Count == 0)
        {
            throw new ArgumentException("A cluster needs at least one voter.", nameof(voters));
        }

        return new LogEntry { Term = 1, Index = 1, Kind = EntryKind.ConfigChange, Data = change.Encode() };
    }
}
