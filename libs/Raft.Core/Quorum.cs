using Cluster.Core;

namespace Raft.Core;

/// <summary>Majority arithmetic over one or two (joint, Raft thesis §4.3) voter sets; pure functions.</summary>
internal static class Quorum
{
    /// <summary>The largest value acknowledged by a majority of <paramref name="voters"/>; <see cref="ulong.MaxValue"/> for an empty set.</summary>
    public static ulong MajorityValue(IReadOnlyList<NodeId> voters, Func<NodeId, ulong> acknowledged)
    {
        if (voters.Count == 0)
        {
            return ulong.MaxValue;
        }

        var values = new ulong[voters.Count];
        for (var i = 0; i < voters.Count; i++)
        {
            values[i] = acknowledged(voters[i]);
        }

        Array.Sort(values);
        Array.Reverse(values);
        return values[voters.Count / 2];
    }

    /// <summary>The largest value that a majority of <paramref name="values"/> reach; <see cref="ulong.MaxValue"/> when empty. Sorts the span.</summary>
    public static ulong MajorityValue(Span<ulong> values)
    {
        if (values.IsEmpty)
        {
            return ulong.MaxValue;
        }

        // Ascending: the value at this position is reached by it and every one after it, a majority.
        values.Sort();
        return values[values.Length - 1 - (values.Length / 2)];
    }

    /// <summary>The value acknowledged by a majority of both halves of the configuration.</summary>
    public static ulong JointValue(ConfigurationState configuration, Func<NodeId, ulong> acknowledged)
    {
        var value = Math.Min(MajorityValue(configuration.Voters, acknowledged), MajorityValue(configuration.VotersOutgoing, acknowledged));
        return value == ulong.MaxValue ? 0 : value;
    }

    public static VoteResult MajorityVote(IReadOnlyList<NodeId> voters, Func<NodeId, bool?> vote)
    {
        if (voters.Count == 0)
        {
            return VoteResult.Won;
        }

        int yes = 0, missing = 0;
        foreach (var voter in voters)
        {
            switch (vote(voter))
            {
                case true:
                    yes++;
                    break;
                case null:
                    missing++;
                    break;
            }
        }

        var needed = (voters.Count / 2) + 1;
        return yes >= needed ? VoteResult.Won : yes + missing >= needed ? VoteResult.Pending : VoteResult.Lost;
    }

    public static VoteResult JointVote(ConfigurationState configuration, Func<NodeId, bool?> vote)
    {
        var incoming = MajorityVote(configuration.Voters, vote);
        var outgoing = MajorityVote(configuration.VotersOutgoing, vote);
        if (incoming == outgoing)
        {
            return incoming;
        }

        return incoming == VoteResult.Lost || outgoing == VoteResult.Lost ? VoteResult.Lost : VoteResult.Pending;
    }
}
