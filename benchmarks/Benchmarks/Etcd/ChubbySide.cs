using Chubby;

namespace Benchmarks.Etcd;

/// <summary>Our side: sessions of <see cref="ChubbyClient"/> on a <see cref="ChubbyCell"/>.</summary>
internal sealed class ChubbySide(ChubbyCell cell, byte[] payload) : IServiceSide
{
    /// <summary>
    /// Idle clients check their local lease once a second instead of ten times: a client-side timer only (the cell's lease and
    /// KeepAlive settings stay at their defaults), so tens of thousands of clients in this process do not crowd the cores.
    /// </summary>
    private static readonly ChubbyClientOptions IdleClientOptions = new() { LeaseCheckInterval = TimeSpan.FromSeconds(1) };

    private readonly List<ChubbyClient> _clients = [];
    private readonly List<ChubbyClient> _idle = [];
    private ChubbyHandle[] _locks = [];
    private ChubbyHandle[] _files = [];

    public string Side => "ours";

    public IReadOnlyList<ServerProcess> Servers => cell.Replicas;

    public ServerProcess Leader => cell.Process(_clients.Count > 0 ? _clients[0].Master : _idle[0].Master);

    public IReadOnlyDictionary<string, object> Workloads => new Dictionary<string, object>
    {
        ["client"] = "one ChubbyClient session per client",
        ["lock_pair"] = $"each client its own lock file {ChubbyCell.Root}/bench/lock-N, opened once: ChubbyHandle.AcquireAsync(Exclusive) then ReleaseAsync (two logged changes; never contended)",
        ["small_write"] = $"each client its own file {ChubbyCell.Root}/bench/file-N, opened once: ChubbyHandle.SetContentsAsync({payload.Length} bytes) (one logged change; no other session caches it)",
    };

    public string IdleSessionSettings => "ChubbyClient.ConnectAsync with defaults except LeaseCheckInterval 1 s (a client-side timer); the cell's defaults: 12 s lease, each session's KeepAlive held by the master and answered 2 s before the lease ends, so one logged renewal per session every ~10 s, batched per 100 ms sweep";

    public long LostIdleSessions => _idle.Count(c => c.State != ChubbySessionState.Safe);

    public async Task PrepareClientsAsync(int count)
    {
        _clients.AddRange(await Task.WhenAll(Enumerable.Range(0, count).Select(i => cell.ConnectAsync(i))));
        await using (var root = await _clients[0].OpenAsync(ChubbyCell.Root + "/bench", OpenFlags.Create | OpenFlags.Directory))
        {
        }

        _locks = await Task.WhenAll(_clients.Select((c, i) => c.OpenAsync($"{ChubbyCell.Root}/bench/lock-{i}", OpenFlags.Create)));
        _files = await Task.WhenAll(_clients.Select((c, i) => c.OpenAsync($"{ChubbyCell.Root}/bench/file-{i}", OpenFlags.Create)));
    }

    public async Task LockPairAsync(int client, CancellationToken cancellationToken)
    {
        var handle = _locks[client];
        await handle.AcquireAsync(LockMode.Exclusive, cancellationToken: cancellationToken);
        await handle.ReleaseAsync(cancellationToken);
    }

    public Task WriteAsync(int client, CancellationToken cancellationToken) => _files[client].SetContentsAsync(payload, cancellationToken: cancellationToken);

    public async Task GrowIdleSessionsAsync(int total)
    {
        var missing = total - _idle.Count;
        using var gate = new SemaphoreSlim(256);
        var opened = await Task.WhenAll(Enumerable.Range(_idle.Count, Math.Max(0, missing)).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                return await cell.ConnectAsync(i, IdleClientOptions);
            }
            finally
            {
                gate.Release();
            }
        }));
        _idle.AddRange(opened);
    }

    public async ValueTask DisposeAsync()
    {
        // Stops the clients' KeepAlives and timers (their sessions are left to expire with the cell).
        await Task.WhenAll(_clients.Concat(_idle).Select(c => c.DisposeAsync().AsTask()));

        await cell.DisposeAsync();
    }
}
