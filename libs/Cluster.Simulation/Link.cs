using Cluster.Core;

namespace Cluster.Simulation;

/// <summary>The state of one directed link: its options, whether it is cut, and its bounded in-flight queue.</summary>
internal sealed class Link(NodeId from, NodeId to)
{
    public NodeId From { get; } = from;

    public NodeId To { get; } = to;

    /// <summary>Options of this link only; null means the network's default.</summary>
    public LinkOptions? Options { get; set; }

    public bool IsCut { get; set; }

    public int InFlight { get; set; }

    /// <summary>Bumped when the destination crashes: deliveries of an older epoch no longer count against the queue.</summary>
    public long Epoch { get; set; }

    /// <summary>The latest delivery time scheduled, so a FIFO link never delivers out of order.</summary>
    public long LastDeliveryTicks { get; set; }

    /// <summary>Senders waiting for room (<c>SendAsync</c> back-pressure), in arrival order.</summary>
    public Queue<TaskCompletionSource> Waiters { get; } = new();

    /// <summary>Lets the first waiter that has not given up try again.</summary>
    public void WakeOne()
    {
        while (Waiters.Count > 0)
        {
            if (Waiters.Dequeue().TrySetResult())
            {
                return;
            }
        }
    }

    public void WakeAll()
    {
        while (Waiters.Count > 0)
        {
            Waiters.Dequeue().TrySetResult();
        }
    }
}
