using System.Diagnostics.Metrics;
using Cluster.Core;

namespace Haystack;

/// <summary>
/// The Haystack Cache (OSDI'10 §3.2): answers <see cref="CacheReadRequest"/>s from memory, asks the Store machine named in the
/// URL on a miss, and keeps a photo only if its volume is still write-enabled, because recently uploaded photos are the ones
/// read most and a write-enabled Store is the one that most needs its reads taken away.
/// </summary>
/// <remarks>
/// <para>Eviction is least-recently-used under a byte budget. A hit checks the cookie against the one the Store verified when
/// the photo was cached, so a wrong cookie is refused here as it would be by the Store.</para>
/// <para>Metrics (meter <c>Haystack</c>): <c>haystack.cache.hits</c>, <c>haystack.cache.misses</c> and
/// <c>haystack.cache.evictions</c>.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class PhotoCache : IDisposable
{
    private readonly MessageBus _bus;
    private readonly PhotoCacheOptions _options;
    private readonly Lock _gate = new();
    private readonly Dictionary<(uint VolumeId, ulong Key, uint AlternateKey), LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new();
    private readonly Meter _meter;
    private readonly Counter<long> _hitCounter;
    private readonly Counter<long> _missCounter;
    private readonly Counter<long> _evictionCounter;
    private long _hits;
    private long _misses;
    private long _bytes;

    /// <summary>Creates a Cache and starts serving on <paramref name="bus"/>.</summary>
    /// <param name="bus">The bus; its registry must hold <see cref="HaystackMessageTypes"/>.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="meterFactory">Creates the meter; a private meter when null.</param>
    public PhotoCache(MessageBus bus, PhotoCacheOptions? options = null, IMeterFactory? meterFactory = null)
    {
        _bus = bus ?? throw new ArgumentNullException(nameof(bus));
        _options = options ?? new PhotoCacheOptions();
        _options.Validate();
        _meter = meterFactory?.Create("Haystack") ?? new Meter("Haystack");
        _hitCounter = _meter.CreateCounter<long>("haystack.cache.hits", "{read}", "Reads answered from the cache.");
        _missCounter = _meter.CreateCounter<long>("haystack.cache.misses", "{read}", "Reads passed to a Store.");
        _evictionCounter = _meter.CreateCounter<long>("haystack.cache.evictions", "{photo}", "Photos evicted to stay under the byte budget.");
        bus.OnRequest<CacheReadRequest, StoreResponse>(HandleReadAsync);
    }

    /// <summary>Reads answered from memory.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Reads passed on to a Store.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>The photo bytes held.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>How many photos are held.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Drops a photo (after a delete), so it is no longer served from memory.</summary>
    public void Invalidate(uint volumeId, ulong key, uint alternateKey)
    {
        lock (_gate)
        {
            if (_entries.Remove((volumeId, key, alternateKey), out var node))
            {
                _recency.Remove(node);
                _bytes -= node.Value.Data.Length;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private async ValueTask<StoreResponse> HandleReadAsync(NodeId from, CacheReadRequest request, CancellationToken cancellationToken)
    {
        var read = request.Read;
        var id = (read.VolumeId, read.Key, read.AlternateKey);
        lock (_gate)
        {
            if (_entries.TryGetValue(id, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                Interlocked.Increment(ref _hits);
                _hitCounter.Add(1);
                return node.Value.Cookie == read.Cookie
                    ? new StoreResponse { Status = StoreStatus.Ok, Data = node.Value.Data, VolumeWritable = true }
                    : new StoreResponse { Status = StoreStatus.CookieMismatch, Message = $"Photo {read.Key}_{read.AlternateKey} in volume {read.VolumeId} exists, but the cookie given does not match it." };
            }
        }

        Interlocked.Increment(ref _misses);
        _missCounter.Add(1);
        StoreResponse answer;
        try
        {
            answer = await _bus.RequestAsync<StoreResponse>(request.Machine, read, _options.StoreRequestTimeout, cancellationToken);
        }
        catch (Exception exception) when (exception is RpcTimeoutException or UnknownPeerException or RpcOverloadException or RemoteRpcException)
        {
            return new StoreResponse { Status = StoreStatus.Failed, Message = $"The Cache could not read from {request.Machine}: {exception.Message}" };
        }

        if (answer.Status == StoreStatus.Ok && answer.VolumeWritable && answer.Data.Length <= _options.MaxPhotoBytes)
        {
            Add(id, read.Cookie, answer.Data);
        }

        return answer;
    }

    private void Add((uint, ulong, uint) id, ulong cookie, ReadOnlyMemory<byte> data)
    {
        lock (_gate)
        {
            if (_entries.ContainsKey(id))
            {
                return;
            }

            while (_bytes + data.Length > _options.CapacityBytes && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Id);
                _bytes -= oldest.Value.Data.Length;
                _evictionCounter.Add(1);
            }

            _entries[id] = _recency.AddFirst(new Entry(id, cookie, data));
            _bytes += data.Length;
        }
    }

    private sealed record Entry((uint VolumeId, ulong Key, uint AlternateKey) Id, ulong Cookie, ReadOnlyMemory<byte> Data);
}
