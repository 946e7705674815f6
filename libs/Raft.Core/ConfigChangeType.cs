namespace Raft.Core;

/// <summary>What one <see cref="ConfigChangeItem"/> does to a node's membership.</summary>
public enum ConfigChangeType
{
    /// <summary>Make the node a voter (adding it, or promoting a learner).</summary>
    AddVoter = 0,

    /// <summary>Make the node a learner (adding it, or demoting a voter).</summary>
    AddLearner = 1,

    /// <summary>Remove the node from the cluster.</summary>
    RemoveNode = 2,
}
