namespace Cluster.Core;

/// <summary>A request was refused locally because too many requests are already waiting for answers.</summary>
public sealed class RpcOverloadException : Exception
{
    /// <summary>Creates the exception naming the limit that was reached.</summary>
    public RpcOverloadException(int maxPendingRequests)
        : base($"{maxPendingRequests} requests are already waiting for answers (MessageBusOptions.MaxPendingRequests); retry later or raise the limit.")
    {
        MaxPendingRequests = maxPendingRequests;
    }

    /// <summary>The limit that was reached.</summary>
    public int MaxPendingRequests { get; }
}
