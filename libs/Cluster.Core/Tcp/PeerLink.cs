using System.Threading.Channels;

namespace Cluster.Core;

/// <summary>Everything a transport keeps for one peer it sends to: its address, its outbound queue and its current connection.</summary>
internal sealed class PeerLink
{
    private CancellationTokenSource? _current;

    public PeerLink(NodeAddress address, int maxQueuedFrames)
    {
        Address = address;
        Queue = Channel.CreateBounded<Envelope>(new BoundedChannelOptions(maxQueuedFrames)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,

            // Senders must not run the writer loop inline, nor the writer loop run waiting senders.
            AllowSynchronousContinuations = false,
        });
    }

    public NodeAddress Address { get; set; }

    public Channel<Envelope> Queue { get; }

    /// <summary>Whether an outbound connection to this peer has ever been established (later ones count as reconnects).</summary>
    public bool EverConnected { get; set; }

    /// <summary>Registers the cancellation that cuts the connection in use, or null when there is none.</summary>
    public void SetCurrentConnection(CancellationTokenSource? cut) => Volatile.Write(ref _current, cut);

    /// <summary>Cuts the connection in use, if any, so the writer loop redials.</summary>
    public void CutCurrentConnection()
    {
        try
        {
            Volatile.Read(ref _current)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended on its own meanwhile.
        }
    }
}
