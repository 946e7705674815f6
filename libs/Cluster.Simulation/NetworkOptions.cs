using Cluster.Core;

namespace Cluster.Simulation;

/// <summary>Settings of the <see cref="SimulatedNetwork"/>, validated at construction.</summary>
public sealed class NetworkOptions
{
    /// <summary>Default of <see cref="MaxInFlightPerLink"/>.</summary>
    public const int DefaultMaxInFlightPerLink = 1024;

    /// <summary>
    /// The message types the network may carry. Required while <see cref="CopyBodies"/> is on: each body is
    /// encoded and decoded by a <see cref="MessageCodec"/> as <see cref="MessageCodec.RoundTrip"/> does, so a type that does not serialize fails
    /// in the simulation instead of in production. Without a registry the first send fails and says so.
    /// </summary>
    public MessageTypeRegistry? Registry { get; init; }

    /// <summary>
    /// Whether receivers get a serialized copy of each body (true, the default) or the sender's own
    /// instance (false: faster, but hides serialization bugs and shared mutable state).
    /// </summary>
    public bool CopyBodies { get; init; } = true;

    /// <summary>Whether each directed link delivers in the order sent, as a TCP connection does (true, the default); false lets latency jitter reorder.</summary>
    public bool FifoPerLink { get; init; } = true;

    /// <summary>How many messages may be in flight on one directed link; beyond it <c>TrySend</c> fails and <c>SendAsync</c> waits.</summary>
    public int MaxInFlightPerLink { get; init; } = DefaultMaxInFlightPerLink;

    /// <summary>The behaviour of links without their own options.</summary>
    public LinkOptions DefaultLink { get; init; } = new();

    internal void Validate()
    {
        if (MaxInFlightPerLink <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxInFlightPerLink), MaxInFlightPerLink, "MaxInFlightPerLink must be positive.");
        }

        ArgumentNullException.ThrowIfNull(DefaultLink, nameof(DefaultLink));
        DefaultLink.Validate();
    }
}
