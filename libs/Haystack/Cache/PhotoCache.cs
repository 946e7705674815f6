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
/// <para>A <see cref="CacheInvalidateRequest"/> (sent by the client after a delete) drops the photo. It also spoils every miss
/// for that photo still waiting for its Store: such a read may have left the Store before the delete did, and caching its
/// answer would bring the photo back for good. The read is still answered; only its copy is not kept.</para>
/// <para>A kept photo expires <see cref="PhotoCacheOptions.TimeToLive"/> after the Cache asked the Store for it, whatever its
/// hits: if an invalidation was lost, a deleted photo is served for at most that long. An expired photo is dropped when it is
/// next asked for (a miss) or when the budget evicts it.</para>
/// <para>Metrics (meter <c>Haystack</c>): <c>haystack.cache.hits</c>, <c>haystack.cache.misses</c>,
/// <c>haystack.cache.evictions</c> and <c>haystack.cache.expirations</c>.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class PhotoCache : IDisposable
{
    private readonly MessageBus _bus;
    private readonly TimeProvider _time;
    private readonly PhotoCacheOptions _options;
    private readonly Lock _gate = new();
    private readonly Dictionary<(uint VolumeId, ulong Key, uint AlternateKey), LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new();
    private readonly Dictionary<(uint VolumeId, ulong Key, uint AlternateKey), Fill> _fills = [];
    private readonly Meter _meter;
    private readonly Counter<long> _hitCounter;
    private readonly Counter<long> _missCounter;
    private readonly Counter<long> _evictionCounter;
    private readonly Counter<long> _expirationCounter;
    private long _hits;
    private long _misses;
    private long _expirations;
    private long _bytes;

    /// <summary>Creates a Cache and starts serving on <paramref name="bus"/>.</summary>
    /// <param name="bus">The bus; its registry must hold <see cref="HaystackMessageTypes"/>.</param>
    /// <param name="time">The clock that ages kept photos (<see cref="PhotoCacheOptions.TimeToLive"/>).</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="meterFactory">Creates the meter; a private meter when null.</param>
    public PhotoCache(MessageBus bus, TimeProvider time, PhotoCacheOptions? options = null, IMeterFactory? meterFactory = null)
    {
        _bus = bus ?? throw new ArgumentNullException(nameof(bus));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _options = options ?? new PhotoCacheOptions();
        _options.Validate();
        _meter = meterFactory?.Create("Haystack") ?? new Meter("Haystack");
        _hitCounter = _meter.CreateCounter<long>("haystack.cache.hits", "{read}", "Reads answered from the cache.");
        _missCounter = _meter.CreateCounter<long>("haystack.cache.misses", "{read}", "Reads passed to a Store.");
        _evictionCounter = _meter.CreateCounter<long>("haystack.cache.evictions", "{photo}", "Photos evicted to stay under the byte budget.");
        _expirationCounter = _meter.CreateCounter<long>("haystack.cache.expirations", "{photo}", "Photos dropped because their time to live ran out.");
        bus.OnRequest<CacheReadRequest, StoreResponse>(HandleReadAsync);
        bus.OnRequest<CacheInvalidateRequest, StoreResponse>(HandleInvalidate);
    }

    /// <summary>Reads answered from memory.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Reads passed on to a Store.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Photos dropped because their time to live ran out.</summary>
    public long Expirations => Interlocked.Read(ref _expirations);

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

    /// <summary>Drops a photo (after a delete), so it is no longer served from memory, and spoils misses for it in flight.</summary>
    public void Invalidate(uint volumeId, ulong key, uint alternateKey)
    {
        var id = (volumeId, key, alternateKey);
        lock (_gate)
        {
            if (_entries.TryGetValue(id, out var node))
            {
                Drop(node);
            }

            if (_fills.TryGetValue(id, out var fill))
            {
                fill.Spoiled = true;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private async ValueTask<StoreResponse> HandleReadAsync(NodeId from, CacheReadRequest request, CancellationToken cancellationToken)
    {
        var read = request.Read;
        var id = (read.VolumeId, read.Key, read.AlternateKey);
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_entries.TryGetValue(id, out var node) && now >= node.Value.ExpiresAt)
            {
                Drop(node);
                Interlocked.Increment(ref _expirations);
                _expirationCounter.Add(1);
            }
            else if (node is not null)
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
        Fill fill;
        lock (_gate)
        {
            if (!_fills.TryGetValue(id, out fill!))
            {
                fill = new Fill();
                _fills[id] = fill;
            }

            fill.Readers++;
        }

        StoreResponse answer;
        try
        {
            answer = await _bus.RequestAsync<StoreResponse>(request.Machine, read, _options.StoreRequestTimeout, cancellationToken);
        }
        catch (Exception exception) when (exception is RpcTimeoutException or UnknownPeerException or RpcOverloadException or RemoteRpcException)
        {
            answer = new StoreResponse { Status = StoreStatus.Failed, Message = $"The Cache could not read from {request.Machine}: {exception.Message}" };
        }

        lock (_gate)
        {
            if (answer.Status == StoreStatus.Ok && answer.VolumeWritable && answer.Data.Length <= _options.MaxPhotoBytes && !fill.Spoiled)
            {
                Add(id, read.Cookie, answer.Data, ExpiryFrom(now));
            }

            // The record lives only while misses for the photo are in flight, so the table stays as small as the concurrency.
            if (--fill.Readers == 0)
            {
                _fills.Remove(id);
            }
        }

        return answer;
    }

    private ValueTask<StoreResponse> HandleInvalidate(NodeId from, CacheInvalidateRequest request, CancellationToken cancellationToken)
    {
        Invalidate(request.VolumeId, request.Key, request.AlternateKey);
        return ValueTask.FromResult(new StoreResponse { Status = StoreStatus.Ok });
    }

    /// <summary>When a photo asked of the Store at <paramref name="asked"/> stops being served; the time to live counts from
    /// the question, not the answer, since the Store may have deleted the photo any time after it answered.</summary>
    private long ExpiryFrom(long asked)
    {
        if (_options.TimeToLive == Timeout.InfiniteTimeSpan)
        {
            return long.MaxValue;
        }

        var ticks = (long)(_options.TimeToLive.TotalSeconds * _time.TimestampFrequency);
        return asked > long.MaxValue - ticks ? long.MaxValue : asked + ticks;
    }

    /// <summary>Forgets a kept photo; the caller holds the gate.</summary>
    private void Drop(LinkedListNode<Entry> node)
    {
        _entries.Remove(node.Value.Id);
        _recency.Remove(node);
        _bytes -= node.Value.Data.Length;
    }

    /// <summary>Keeps a photo; the caller holds the gate.</summary>
    private void Add((uint, ulong, uint) id, ulong cookie, ReadOnlyMemory<byte> data, long expiresAt)
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

        _entries[id] = _recency.AddFirst(new Entry(id, cookie, data, expiresAt));
        _bytes += data.Length;
    }

    /// <summary>The misses for one photo waiting for its Store, and whether an invalidation spoiled them.</summary>
    private sealed class Fill
    {
        public int Readers { get; set; }

        public bool Spoiled { get; set; }
    }

    private sealed record Entry((uint VolumeId, ulong Key, uint AlternateKey) Id, ulong Cookie, ReadOnlyMemory<byte> Data, long ExpiresAt);
}
