namespace Chubby;

/// <summary>The master's soft state of one session.</summary>
internal sealed class SessionLease(ulong id, long deadlineMilliseconds)
{
    public ulong Id { get; } = id;

    /// <summary>When the lease ends at the master (Unix ms); never earlier than any end promised to the client.</summary>
    public long DeadlineMilliseconds { get; set; } = deadlineMilliseconds;

    /// <summary>The session has acknowledged this master's epoch (always true for sessions created under it).</summary>
    public bool AcknowledgedFailover { get; set; }

    /// <summary>The lease ran out or the client closed the session; every call is refused from now on.</summary>
    public bool Ending { get; set; }

    /// <summary>The log write that ends the session is in flight.</summary>
    public bool EndInFlight { get; set; }

    /// <summary>A lease renewal is being written to the log.</summary>
    public bool Renewing { get; set; }

    /// <summary>The KeepAlive the master holds, answered at renewal time or early for events and invalidations.</summary>
    public HeldKeepAlive? Held { get; set; }

    public Dictionary<ulong, HandleDescriptor> Handles { get; } = [];

    /// <summary>Paths this session may cache, for cleaning up <see cref="MasterState.Cachers"/>.</summary>
    public HashSet<string> Cached { get; } = new(StringComparer.Ordinal);

    public ulong LastInvalidation { get; set; }

    /// <summary>Invalidations sent but not yet acknowledged, in number order, each with the change waiting for it.</summary>
    public List<(InvalidationNotice Notice, PendingInvalidation Owner)> Unacknowledged { get; } = [];

    public ulong LastEvent { get; set; }

    /// <summary>Events not yet acknowledged, in number order.</summary>
    public List<EventNotice> Events { get; } = [];
}
