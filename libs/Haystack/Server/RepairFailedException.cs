using Cluster.Core;

namespace Haystack;

/// <summary>A repair pass could not go on (its source did not answer, refused, or sent a needle that failed its checks).</summary>
internal sealed class RepairFailedException : IOException
{
    public RepairFailedException(uint volumeId, NodeId source, string reason)
        : base($"The repair of volume {volumeId} from {source} stopped: {reason}")
    {
    }
}
