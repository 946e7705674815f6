namespace Benchmarks.Etcd;

/// <summary>One side of the comparison (our cell or etcd) as the workloads see it: clients doing the same things on each.</summary>
internal interface IServiceSide : IAsyncDisposable
{
    /// <summary>"ours" or "peer".</summary>
    string Side { get; }

    /// <summary>The three server processes.</summary>
    IReadOnlyList<ServerProcess> Servers { get; }

    /// <summary>The process of the current master (ours) or leader (etcd).</summary>
    ServerProcess Leader { get; }

    /// <summary>What one client is and what it does per operation, for the details.</summary>
    IReadOnlyDictionary<string, object> Workloads { get; }

    /// <summary>Opens <paramref name="count"/> clients, each with its own lock and its own file.</summary>
    Task PrepareClientsAsync(int count);

    /// <summary>Client <paramref name="client"/> acquires its lock and releases it.</summary>
    Task LockPairAsync(int client, CancellationToken cancellationToken);

    /// <summary>Client <paramref name="client"/> replaces the contents of its small file.</summary>
    Task WriteAsync(int client, CancellationToken cancellationToken);

    /// <summary>Grows the number of idle sessions kept alive by their clients to <paramref name="total"/>.</summary>
    Task GrowIdleSessionsAsync(int total);

    /// <summary>Idle sessions whose client no longer holds a live lease (ours: not <c>Safe</c>; etcd: renewals answered with TTL 0).</summary>
    long LostIdleSessions { get; }

    /// <summary>How a session is kept alive, for the details.</summary>
    string IdleSessionSettings { get; }
}
