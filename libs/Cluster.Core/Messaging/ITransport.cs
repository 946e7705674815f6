namespace Cluster.Core;

/// <summary>
/// Moves envelopes between nodes. Implementations: the TCP transport for production, the simulated
/// network's transport in Cluster.Simulation, and decorators that inject faults.
/// </summary>
/// <remarks>
/// <para>Promises: envelopes from one node to another arrive in the order sent while one connection
/// lasts (FIFO per peer connection); nothing more. An envelope may be lost (a connection breaks, a
/// queue is full, a simulated link drops it), and across reconnections it may arrive after later ones
/// were lost. Protocols on top retry and deduplicate as they need.</para>
/// <para>The receiver installed with <see cref="SetReceiver"/> may be called concurrently from several
/// connections by a real transport; a simulated one calls it on the simulator's single thread.</para>
/// </remarks>
public interface ITransport : IAsyncDisposable
{
    /// <summary>The node this transport sends from.</summary>
    NodeId LocalNode { get; }

    /// <summary>
    /// Installs the one receiver of incoming envelopes. Call once, before sending anything; envelopes
    /// that arrive earlier are dropped.
    /// </summary>
    /// <exception cref="InvalidOperationException">A receiver is already installed.</exception>
    void SetReceiver(Action<NodeId, Envelope> receiver);

    /// <summary>
    /// Queues an envelope for <paramref name="destination"/> without waiting. Returns false, dropping the
    /// envelope, when that peer's bounded outbound queue is full, the peer is unknown, or the transport is
    /// shut down. True means queued, not delivered.
    /// </summary>
    bool TrySend(NodeId destination, in Envelope envelope);

    /// <summary>
    /// Queues an envelope for <paramref name="destination"/>, waiting while that peer's outbound queue
    /// is full (back-pressure). Completion means queued, not delivered.
    /// </summary>
    /// <exception cref="UnknownPeerException">The transport has no address for <paramref name="destination"/>.</exception>
    /// <exception cref="ObjectDisposedException">The transport is shut down.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired while waiting.</exception>
    ValueTask SendAsync(NodeId destination, Envelope envelope, CancellationToken cancellationToken = default);
}
