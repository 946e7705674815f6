using Cluster.Core;

namespace Raft.Core;

/// <summary>Computes the configuration that results from applying a <see cref="ConfigChange"/>; pure, throws on a change that is not allowed.</summary>
internal static class ConfigurationChanger
{
    public static ConfigurationState Apply(ConfigurationState current, ConfigChange change)
    {
        if (current.Voters.Count == 0 && !current.IsJoint)
        {
            // Bootstrap: the first configuration of a cluster is installed as given.
            return Build(current, change, keepOutgoing: false, autoLeave: false);
        }

        if (change.IsLeaveJoint)
        {
            if (!current.IsJoint)
            {
                throw new InvalidOperationException("Cannot leave a joint configuration: the configuration is not joint.");
            }

            return new ConfigurationState
            {
                Voters = current.Voters,
                Learners = ConfigurationState.Normalize(current.Learners.Concat(current.LearnersNext)),
            };
        }

        if (current.IsJoint)
        {
            throw new InvalidOperationException("The configuration is joint; leave it (an empty ConfigChange) before making another change.");
        }

        if (change.Transition == ConfigChangeTransition.Auto)
        {
            var simple = Build(current, change, keepOutgoing: false, autoLeave: false);
            var changedVoters = simple.Voters.Except(current.Voters).Count() + current.Voters.Except(simple.Voters).Count();
            if (changedVoters <= 1)
            {
                // Raft thesis §4.1: a change of one voter keeps every majority of the old set overlapping every majority of the new one.
                return simple;
            }
        }

        // Raft thesis §4.3: decisions need majorities of both the old and the new voters until the joint configuration is left.
        return Build(current, change, keepOutgoing: true, autoLeave: change.Transition != ConfigChangeTransition.JointExplicit);
    }

    private static ConfigurationState Build(ConfigurationState current, ConfigChange change, bool keepOutgoing, bool autoLeave)
    {
        var voters = new HashSet<NodeId>(current.Voters);
        var outgoing = keepOutgoing ? new HashSet<NodeId>(current.Voters) : [];
        var learners = new HashSet<NodeId>(current.Learners);
        var learnersNext = new HashSet<NodeId>(current.LearnersNext);
        foreach (var item in change.Items)
        {
            if (item.Node.IsNone)
            {
                throw new ArgumentException("A configuration change names NodeId.None.", nameof(change));
            }

            switch (item.Type)
            {
                case ConfigChangeType.AddVoter:
                    learners.Remove(item.Node);
                    learnersNext.Remove(item.Node);
                    voters.Add(item.Node);
                    break;
                case ConfigChangeType.AddLearner:
                    voters.Remove(item.Node);
                    learners.Remove(item.Node);
                    learnersNext.Remove(item.Node);

                    // An outgoing voter keeps voting in the outgoing half; it becomes a learner when the joint configuration is left.
                    (outgoing.Contains(item.Node) ? learnersNext : learners).Add(item.Node);
                    break;
                case ConfigChangeType.RemoveNode:
                    voters.Remove(item.Node);
                    learners.Remove(item.Node);
                    learnersNext.Remove(item.Node);
                    break;
                default:
                    throw new ArgumentException($"Unknown configuration change type {item.Type}.", nameof(change));
            }
        }

        if (voters.Count == 0)
        {
            throw new InvalidOperationException("The change would leave the configuration without voters.");
        }

        return new ConfigurationState
        {
            Voters = ConfigurationState.Normalize(voters),
            VotersOutgoing = ConfigurationState.Normalize(outgoing),
            Learners = ConfigurationState.Normalize(learners),
            LearnersNext = ConfigurationState.Normalize(learnersNext),
            AutoLeave = keepOutgoing && autoLeave,
        };
    }
}
