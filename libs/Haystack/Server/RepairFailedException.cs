using Cluster.Core;

namespace Haystack;

/// <summary>A repair pass could not go on (its source did not answer, refused, or sent a needle that failed its checks).</summary>
internal sealed class RepairFailedException : IOException
{
    public RepairFailedException(uint volumeId, NodeId source, string reason, bool waiting = false)
        : base($"The repair of volume {volumeId} from {source} stopped: {reason}")
    {
        Waiting = waiting;
    }

    /// <summary>The source is fine but not ready yet (it has not heard of the repair from the Directory): nothing to warn about.</summary>
    public bool Waiting { get; }
}
