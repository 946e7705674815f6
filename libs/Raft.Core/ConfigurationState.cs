using MessagePack;
using Cluster.Core;

namespace Raft.Core;

/// <summary>
/// Cluster membership: the voters (two sets while in joint consensus, Raft thesis §4.3) and the non-voting learners.
/// </summary>
/// <remarks>Lists are kept sorted and free of duplicates; equality compares their contents.</remarks>
[MessagePackObject]
public sealed record ConfigurationState
{
    /// <summary>No members at all: the state of a node that has not yet learned its cluster.</summary>
    public static readonly ConfigurationState Empty = new();

    /// <summary>The voters of the (incoming) configuration.</summary>
    [Key(0)]
    public IReadOnlyList<NodeId> Voters { get; init; } = [];

    /// <summary>The voters of the outgoing configuration while in joint consensus; empty otherwise.</summary>
    [Key(1)]
    public IReadOnlyList<NodeId> VotersOutgoing { get; init; } = [];

    /// <summary>Non-voting members that receive the log.</summary>
    [Key(2)]
    public IReadOnlyList<NodeId> Learners { get; init; } = [];

    /// <summary>Outgoing voters that become learners when the joint configuration is left.</summary>
    [Key(3)]
    public IReadOnlyList<NodeId> LearnersNext { get; init; } = [];

    /// <summary>Whether the leader leaves the joint configuration on its own once it is applied.</summary>
    [Key(4)]
    public bool AutoLeave { get; init; }

    /// <summary>Whether this is a joint configuration.</summary>
    [IgnoreMember]
    public bool IsJoint => VotersOutgoing.Count != 0;

    /// <summary>Creates a simple configuration of the given voters and learners.</summary>
    public static ConfigurationState Create(IEnumerable<NodeId> voters, IEnumerable<NodeId>? learners = null) => new()
    {
        Voters = Normalize(voters),
        Learners = Normalize(learners ?? []),
    };

    /// <summary>Whether <paramref name="id"/> votes in either half of the configuration.</summary>
    public bool IsVoter(NodeId id) => Voters.Contains(id) || VotersOutgoing.Contains(id);

    /// <summary>Whether <paramref name="id"/> belongs to the cluster in any role.</summary>
    public bool Contains(NodeId id) => IsVoter(id) || Learners.Contains(id) || LearnersNext.Contains(id);

    /// <summary>Every member, sorted.</summary>
    public IReadOnlyList<NodeId> AllMembers() => Normalize(Voters.Concat(VotersOutgoing).Concat(Learners).Concat(LearnersNext));

    /// <inheritdoc />
    public bool Equals(ConfigurationState? other) =>
        other is not null
        && AutoLeave == other.AutoLeave
        && Voters.SequenceEqual(other.Voters)
        && VotersOutgoing.SequenceEqual(other.VotersOutgoing)
        && Learners.SequenceEqual(other.Learners)
        && LearnersNext.SequenceEqual(other.LearnersNext);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var id in AllMembers())
        {
            hash.Add(id);
        }

        hash.Add(AutoLeave);
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = "voters=(" + string.Join(' ', Voters) + ")";
        if (IsJoint)
        {
            text += "&&(" + string.Join(' ', VotersOutgoing) + ")";
        }

        if (Learners.Count != 0)
        {
            text += " learners=(" + string.Join(' ', Learners) + ")";
        }

        if (LearnersNext.Count != 0)
        {
            text += " learners_next=(" + string.Join(' ', LearnersNext) + ")";
        }

        return AutoLeave ? text + " autoleave" : text;
    }

    internal static NodeId[] Normalize(IEnumerable<NodeId> ids) => [.. ids.Distinct().Order()];
}
