using Etcdserverpb;
using Google.Protobuf;
using Grpc.Net.Client;
using LockService = V3Lockpb.Lock;
using V3Lockpb;

namespace Benchmarks.Etcd;

/// <summary>The peer: etcd clients over gRPC on an <see cref="EtcdCell"/>, one lease per client as etcd's concurrency sessions have.</summary>
internal sealed class EtcdSide : IServiceSide
{
    /// <summary>The TTL of etcd's concurrency sessions (clientv3/concurrency) by default; the lock service needs a lease per client.</summary>
    public const int SessionTtlSeconds = 60;

    private readonly EtcdCell _cell;
    private readonly ByteString _payload;
    private readonly GrpcChannel[] _channels;
    private readonly EtcdKeepAlives _keepAlives;
    private Client[] _clients = [];
    private int _idle;

    private readonly bool _ownsCell;

    /// <param name="cell">The members.</param>
    /// <param name="payload">What each small write writes.</param>
    /// <param name="connections">gRPC channels to open.</param>
    /// <param name="spreadOverMembers">Channels go to the three members in turn (as clientv3 balances) instead of all to the leader.</param>
    /// <param name="ownsCell">Whether disposing this side stops the members.</param>
    public EtcdSide(EtcdCell cell, byte[] payload, int connections, bool spreadOverMembers = false, bool ownsCell = true)
    {
        _cell = cell;
        _ownsCell = ownsCell;
        _payload = ByteString.CopyFrom(payload);
        _channels = [.. Enumerable.Range(0, connections).Select(i => spreadOverMembers ? cell.OpenChannel(i % cell.Members.Count) : cell.OpenChannel())];
        _keepAlives = new EtcdKeepAlives(_channels, TimeSpan.FromSeconds(SessionTtlSeconds / 3.0));
    }

    public string Side => "peer";

    public IReadOnlyList<ServerProcess> Servers => _cell.Members;

    public ServerProcess Leader => _cell.Leader;

    public EtcdKeepAlives KeepAlives => _keepAlives;

    public EtcdCell Cell => _cell;

    public IReadOnlyDictionary<string, object> Workloads => new Dictionary<string, object>
    {
        ["client"] = $"one lease per client (LeaseGrant TTL {SessionTtlSeconds} s, kept alive every {SessionTtlSeconds / 3} s on a shared LeaseKeepAlive stream, as clientv3's concurrency.Session does)",
        ["lock_pair"] = "each client its own lock name bench/lock-N: v3lock Lock(name, lease) then Unlock(key) (two proposals: a put with the lease, a delete; never contended)",
        ["small_write"] = $"each client its own key bench/file-N: KV Put({_payload.Length} bytes) (one proposal)",
    };

    public string IdleSessionSettings => $"LeaseGrant TTL {SessionTtlSeconds} s per session (clientv3 concurrency.Session's default), LeaseKeepAlive every TTL/3 = {SessionTtlSeconds / 3} s on one stream per connection (as clientv3 does), first renewals spread over the period";

    public long LostIdleSessions => _keepAlives.Lost;

    public async Task PrepareClientsAsync(int count)
    {
        var leases = await Task.WhenAll(Enumerable.Range(0, count).Select(i => GrantAsync(i)));
        _clients = [.. leases.Select((lease, i) => new Client(
            new KV.KVClient(_channels[i % _channels.Length]),
            new LockService.LockClient(_channels[i % _channels.Length]),
            lease,
            ByteString.CopyFromUtf8($"bench/lock-{i}"),
            ByteString.CopyFromUtf8($"bench/file-{i}")))];
        foreach (var lease in leases)
        {
            _keepAlives.Add(lease);
        }
    }

    public async Task LockPairAsync(int client, CancellationToken cancellationToken)
    {
        var c = _clients[client];
        var held = await c.Locks.LockAsync(new LockRequest { Name = c.LockName, Lease = c.Lease }, cancellationToken: cancellationToken);
        await c.Locks.UnlockAsync(new UnlockRequest { Key = held.Key }, cancellationToken: cancellationToken);
    }

    public async Task WriteAsync(int client, CancellationToken cancellationToken)
    {
        var c = _clients[client];
        await c.Kv.PutAsync(new PutRequest { Key = c.FileKey, Value = _payload }, cancellationToken: cancellationToken);
    }

    public async Task GrowIdleSessionsAsync(int total)
    {
        using var gate = new SemaphoreSlim(256);
        var missing = total - _idle;
        await Task.WhenAll(Enumerable.Range(_idle, Math.Max(0, missing)).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                _keepAlives.Add(await GrantAsync(i));
            }
            finally
            {
                gate.Release();
            }
        }));
        _idle = Math.Max(_idle, total);
    }

    public async ValueTask DisposeAsync()
    {
        await _keepAlives.DisposeAsync();
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        if (_ownsCell)
        {
            _cell.Dispose();
        }
    }

    private async Task<long> GrantAsync(int index)
    {
        var leases = new Lease.LeaseClient(_channels[index % _channels.Length]);
        var granted = await leases.LeaseGrantAsync(new LeaseGrantRequest { TTL = SessionTtlSeconds });
        return granted.ID;
    }

    private sealed record Client(KV.KVClient Kv, LockService.LockClient Locks, long Lease, ByteString LockName, ByteString FileKey);
}
