namespace Chubby;

public sealed partial class ChubbyClient
{
    private readonly Dictionary<string, CacheEntry> _cache = new(StringComparer.Ordinal);
    private ulong _cacheVersion;

    /// <summary>How many nodes the cache holds (contents, metadata or absence).</summary>
    public int CachedNodes
    {
        get
        {
            lock (_gate)
            {
                return _cache.Count;
            }
        }
    }

    /// <summary>Reads served from the cache since the client started.</summary>
    public long CacheHits { get; private set; }

    /// <summary>
    /// Bumped by every invalidation and flush. A read records it before it is sent and caches its answer only if it is unchanged,
    /// so an answer that crossed an invalidation on the way is never cached.
    /// </summary>
    internal ulong CacheVersion
    {
        get
        {
            lock (_gate)
            {
                return _cacheVersion;
            }
        }
    }

    /// <summary>The cached entry for <paramref name="path"/>, only while the session is safe (jeopardy turns the cache off).</summary>
    internal bool TryGetCached(string path, out CacheEntry entry)
    {
        lock (_gate)
        {
            // The lease is checked here, not only by the periodic check: a copy may be served only while the local lease (never
            // later than the master's) is running, since the master may commit a change once the lease has ended.
            if (_options.CachingEnabled && _state == ChubbySessionState.Safe && NowMilliseconds < _localDeadline && _cache.TryGetValue(path, out entry!))
            {
                CacheHits++;
                return true;
            }

            entry = null!;
            return false;
        }
    }

    internal void CompleteRead(string path, ulong version, CacheEntry entry)
    {
        lock (_gate)
        {
            if (!_options.CachingEnabled || version != _cacheVersion || _state != ChubbySessionState.Safe)
            {
                return;
            }

            // Metadata alone does not replace contents read at the same generation of the same instance.
            if (entry.Contents is null && _cache.TryGetValue(path, out var known) && known.Contents is not null
                && known.Stat is { } knownStat && entry.Stat is { } stat
                && knownStat.InstanceNumber == stat.InstanceNumber && knownStat.ContentGeneration == stat.ContentGeneration)
            {
                return;
            }

            if (_cache.Count >= _options.MaxCacheEntries)
            {
                _cache.Clear();
            }

            _cache[path] = entry;
        }
    }

    private void InvalidateLocked(string path)
    {
        _cache.Remove(path);
        _cacheVersion++;
    }

    private void FlushCacheLocked()
    {
        _cache.Clear();
        _cacheVersion++;
    }
}
