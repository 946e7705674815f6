namespace Raft.Core;

/// <summary>How a <see cref="ConfigChange"/> moves the cluster to its new membership.</summary>
public enum ConfigChangeTransition
{
    /// <summary>
    /// A single-server change (Raft thesis §4.1) when at most one voter changes; otherwise joint consensus (§4.3) that the
    /// leader leaves on its own.
    /// </summary>
    Auto = 0,

    /// <summary>Always joint consensus, left automatically by the leader once the joint configuration is applied.</summary>
    JointAutoLeave = 1,

    /// <summary>Always joint consensus; the application leaves it by proposing an empty <see cref="ConfigChange"/>.</summary>
    JointExplicit = 2,
}
