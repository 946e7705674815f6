using Cluster.Core;

namespace Gfs;

/// <summary>
/// The GFS client library (SOSP'03 §2.4, §3): namespace calls go to the master; data never does. Reads go straight to a
/// replica named by the master (locations cached for <see cref="GfsClientOptions.LocationCacheTtl"/>); writes push the data
/// along a chain of the replicas, then ask the primary to apply it; record appends let the primary choose the offset and are
/// retried until they succeed, so a record is stored at least once (see <see cref="GfsRecords"/> for self-validating
/// records and duplicate removal).
/// </summary>
/// <remarks>
/// <para>Consistency (§2.7): after a successful write, every replica holds the data at that offset (the region is
/// <i>defined</i>); concurrent successful writes leave it <i>consistent</i> but possibly mixed; a failed write may leave it
/// <i>inconsistent</i> (replicas differ) until it is written again. A successful record append is defined at the offset returned;
/// retries may leave duplicates and padding around it.</para>
/// <para>Thread-safe; one client may run many operations at once.</para>
/// </remarks>
public sealed partial class GfsClient : IAsyncDisposable
{
    private readonly MessageBus _bus;
    private readonly NodeId[] _masters;
    private readonly TimeProvider _time;
    private readonly RandomSource _random;
    private readonly GfsClientOptions _options;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Path, int Index), CachedChunk> _chunks = [];
    private readonly Dictionary<string, int> _lastChunk = new(StringComparer.Ordinal);
    private readonly Dictionary<NodeId, long> _unresponsive = [];
    private readonly MasterLock? _masterLock;
    private readonly ulong _clientId;
    private ulong _nextCall;
    private NodeId _leader;
    private int _masterCursor;
    private long _chunkSize;

    /// <summary>Creates a client of the master group <paramref name="masters"/>.</summary>
    /// <param name="bus">The caller's bus; its registry must hold <see cref="GfsMessageTypes"/>.</param>
    /// <param name="masters">The master group's nodes.</param>
    /// <param name="time">The clock for timeouts, retries and the location cache.</param>
    /// <param name="random">The seeded source for the client id, data ids and replica choice.</param>
    /// <param name="options">The settings; defaults when null.</param>
    public GfsClient(MessageBus bus, IEnumerable<NodeId> masters, TimeProvider time, RandomSource random, GfsClientOptions? options = null)
        : this(bus, masters, null, time, random, options)
    {
    }

    /// <summary>
    /// Creates a client that finds the master through the cell's Chubby lock file (<paramref name="masterLock"/>) instead of
    /// knowing the master group's nodes; after a fail-over it reads the file again.
    /// </summary>
    /// <param name="bus">The caller's bus; its registry must hold <see cref="GfsMessageTypes"/> (with Chubby's types).</param>
    /// <param name="masterLock">The cell's master lock, with this process's Chubby session.</param>
    /// <param name="time">The clock for timeouts, retries and the location cache.</param>
    /// <param name="random">The seeded source for the client id, data ids and replica choice.</param>
    /// <param name="options">The settings; defaults when null.</param>
    public GfsClient(MessageBus bus, MasterLock masterLock, TimeProvider time, RandomSource random, GfsClientOptions? options = null)
        : this(bus, [], masterLock ?? throw new ArgumentNullException(nameof(masterLock)), time, random, options)
    {
    }

    private GfsClient(MessageBus bus, IEnumerable<NodeId> masters, MasterLock? masterLock, TimeProvider time, RandomSource random, GfsClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(masters);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(random);
        _options = options ?? new GfsClientOptions();
        _options.Validate();
        _masters = [.. masters];
        _masterLock = masterLock;
        if (_masters.Length == 0 && masterLock is null)
        {
            throw new ArgumentException("At least one master node is needed.", nameof(masters));
        }

        _bus = bus;
        _time = time;
        _random = random;
        _clientId = random.NextUInt64() | 1;
    }

    /// <summary>Creates an empty file; its parent directory must exist.</summary>
    /// <exception cref="GfsException">The path is invalid, exists already, or its parent is missing or a file.</exception>
    public Task CreateFileAsync(string path, CancellationToken cancellationToken = default) =>
        ChangeAsync(new MasterRequest { Operation = MasterOperation.CreateFile, Path = Checked(path) }, cancellationToken);

    /// <summary>Creates a directory and any missing ancestors; succeeds if it exists already.</summary>
    public Task CreateDirectoryAsync(string path, CancellationToken cancellationToken = default) =>
        ChangeAsync(new MasterRequest { Operation = MasterOperation.CreateDirectory, Path = Checked(path) }, cancellationToken);

    /// <summary>
    /// Deletes a file or directory. It disappears from the namespace at once; its chunks are reclaimed after the master's trash
    /// delay (§4.4).
    /// </summary>
    public Task DeleteAsync(string path, bool recursive = false, CancellationToken cancellationToken = default) =>
        ChangeAsync(new MasterRequest { Operation = MasterOperation.Delete, Path = Checked(path), Recursive = recursive }, cancellationToken, path);

    /// <summary>
    /// Restores a deleted file or directory tree from the trash (§4.4: the hidden file is renamed back) before garbage collection
    /// reclaims it, with the contents it had. The latest deletion of <paramref name="path"/> is restored, at
    /// <paramref name="target"/> when given (which must not exist; its parent must).
    /// </summary>
    /// <exception cref="GfsException">
    /// <see cref="GfsErrorCode.NotFound"/> when nothing of that path is in the trash (never deleted, restored already, or reclaimed);
    /// <see cref="GfsErrorCode.AlreadyExists"/> when the path is taken again.
    /// </exception>
    public Task UndeleteAsync(string path, string? target = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(new MasterRequest { Operation = MasterOperation.Undelete, Path = Checked(path), Target = target is null ? "" : Checked(target) }, cancellationToken, target ?? path);

    /// <summary>The paths of the deleted files and directories still in the trash, oldest deletion first (a path deleted twice is listed twice).</summary>
    public async Task<IReadOnlyList<string>> ListTrashAsync(CancellationToken cancellationToken = default)
    {
        var response = await MasterCallAsync(new MasterRequest { Operation = MasterOperation.ListTrash, Path = GfsPath.Root }, cancellationToken);
        ThrowIfFailed(response, GfsPath.Root);
        return response.Names;
    }

    /// <summary>Renames a file or directory; <paramref name="target"/> must not exist and its parent must.</summary>
    public Task RenameAsync(string path, string target, CancellationToken cancellationToken = default) =>
        ChangeAsync(new MasterRequest { Operation = MasterOperation.Rename, Path = Checked(path), Target = Checked(target) }, cancellationToken, path);

    /// <summary>
    /// Copies a file or directory tree to <paramref name="target"/> almost instantly (§3.4): the copy shares the chunks, and
    /// each shared chunk is copied only when either side writes to it.
    /// </summary>
    public Task SnapshotAsync(string path, string target, CancellationToken cancellationToken = default) =>
        ChangeAsync(new MasterRequest { Operation = MasterOperation.Snapshot, Path = Checked(path), Target = Checked(target) }, cancellationToken, path);

    /// <summary>The names of a directory's children in ordinal order (a file lists as its own name).</summary>
    public async Task<IReadOnlyList<string>> ListAsync(string path, CancellationToken cancellationToken = default)
    {
        var response = await MasterCallAsync(new MasterRequest { Operation = MasterOperation.List, Path = Checked(path) }, cancellationToken);
        ThrowIfFailed(response, path);
        return response.Names;
    }

    /// <summary>Describes a file or directory.</summary>
    public async Task<GfsFileStatus> StatAsync(string path, CancellationToken cancellationToken = default)
    {
        var response = await MasterCallAsync(new MasterRequest { Operation = MasterOperation.Stat, Path = Checked(path) }, cancellationToken);
        ThrowIfFailed(response, path);
        if (response.ChunkSize > 0)
        {
            Volatile.Write(ref _chunkSize, response.ChunkSize);
        }

        return new GfsFileStatus(path, response.IsDirectory, response.Length, response.ChunkCount, response.ChunkSize);
    }

    /// <summary>Forgets cached chunk locations and leases (all, or those of one file).</summary>
    public void InvalidateCache(string? path = null)
    {
        lock (_gate)
        {
            foreach (var key in _chunks.Keys.Where(k => path is null || k.Path == path).ToList())
            {
                _chunks.Remove(key);
            }

            if (path is null)
            {
                _lastChunk.Clear();
            }
            else
            {
                _lastChunk.Remove(path);
            }
        }
    }

    /// <summary>Nothing to release beyond the cache; present so callers can scope a client.</summary>
    public ValueTask DisposeAsync()
    {
        InvalidateCache();
        return ValueTask.CompletedTask;
    }

    private async Task ChangeAsync(MasterRequest request, CancellationToken cancellationToken, string? invalidates = null)
    {
        var call = request with { ClientId = _clientId, CallId = Interlocked.Increment(ref _nextCall) };
        var response = await MasterCallAsync(call, cancellationToken);
        if (invalidates is not null)
        {
            InvalidateBeneath(invalidates);
        }

        ThrowIfFailed(response, request.Path);
    }

    private void InvalidateBeneath(string path)
    {
        lock (_gate)
        {
            foreach (var key in _chunks.Keys.Where(k => GfsPath.IsSameOrBeneath(k.Path, path)).ToList())
            {
                _chunks.Remove(key);
            }

            foreach (var key in _lastChunk.Keys.Where(k => GfsPath.IsSameOrBeneath(k, path)).ToList())
            {
                _lastChunk.Remove(key);
            }
        }
    }

    /// <summary>Calls the leading master, following leader hints, and retries while the master is unreachable or not ready.</summary>
    private async Task<MasterResponse> MasterCallAsync(MasterRequest request, CancellationToken cancellationToken)
    {
        MasterResponse? last = null;
        for (var attempt = 0; attempt < _options.MaxAttempts * 2; attempt++)
        {
            var master = await PickMasterAsync(cancellationToken);
            if (master.IsNone)
            {
                // The master lock names nobody: a take-over is in progress.
                last = new MasterResponse { Code = GfsErrorCode.Unavailable, Message = $"The master lock {_masterLock?.Path} names no master." };
                await PauseAsync(attempt, cancellationToken);
                continue;
            }

            try
            {
                var response = await _bus.RequestAsync<MasterResponse>(master, request, _options.RpcTimeout, cancellationToken);
                MarkResponsive(master);
                if (response.Code == GfsErrorCode.NotLeader)
                {
                    FollowHint(master, new NodeId(response.Leader));
                    last = response;
                    if (response.Leader == 0 || response.Leader == master.Value || _masterLock is not null)
                    {
                        await PauseAsync(attempt, cancellationToken);
                    }

                    continue;
                }

                if (response.Code == GfsErrorCode.NotReady)
                {
                    last = response;
                    if (_masterLock is not null)
                    {
                        // A group leader without the lock, or a master that lost it: the lock file names who is master.
                        ForgetLeader(master);
                    }

                    await PauseAsync(attempt, cancellationToken);
                    continue;
                }

                return response;
            }
            catch (Exception exception) when (exception is RpcTimeoutException or RemoteRpcException or RpcOverloadException or UnknownPeerException)
            {
                if (exception is RpcTimeoutException or UnknownPeerException)
                {
                    MarkUnresponsive(master);
                }

                ForgetLeader(master);
                last = new MasterResponse { Code = GfsErrorCode.Unavailable, Message = $"Master {master} did not answer: {exception.Message}" };
                await PauseAsync(attempt, cancellationToken);
            }
        }

        throw new GfsException(GfsErrorCode.Unavailable, request.Path, $"No master answered {request.Operation} of '{request.Path}': {last?.Message}");
    }

    private Task PauseAsync(int attempt, CancellationToken cancellationToken)
    {
        var delay = _options.RetryDelay * (1 << Math.Min(attempt, 5));
        return delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, _time, cancellationToken);
    }

    private async Task<NodeId> PickMasterAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_leader.IsNone)
            {
                return _leader;
            }

            if (_masterLock is null)
            {
                // Round robin over the group, trying last a node that timed out lately (a dead leader costs every try a timeout).
                for (var i = 0; i < _masters.Length; i++)
                {
                    var candidate = _masters[_masterCursor++ % _masters.Length];
                    if (!IsUnresponsive(candidate))
                    {
                        return candidate;
                    }
                }

                return _masters[_masterCursor++ % _masters.Length];
            }
        }

        NodeId found;
        // The timer runs on this component's clock (virtual in the simulator), not the system's, as CancelAfter would.
        using var timer = new CancellationTokenSource(_options.RpcTimeout, _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            found = await _masterLock.FindMasterAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is TimeoutException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return NodeId.None;
        }

        lock (_gate)
        {
            _leader = found;
            return found;
        }
    }

    private void ForgetLeader(NodeId master)
    {
        lock (_gate)
        {
            if (_leader == master)
            {
                _leader = NodeId.None;
            }

            _masterCursor++;
        }
    }

    private void FollowHint(NodeId master, NodeId hint)
    {
        lock (_gate)
        {
            // With a master lock the group's Raft leader need not be the master yet; the lock file is read again instead.
            _leader = _masterLock is null && !hint.IsNone && hint != master && _masters.Contains(hint) ? hint : NodeId.None;
            if (_leader.IsNone)
            {
                _masterCursor++;
            }
        }
    }

    // RandomSource is not thread-safe and operations of one client run concurrently on the thread pool; a torn generator
    // state could hand two pushes the same data id.
    private ulong NextDataId()
    {
        lock (_gate)
        {
            return _random.NextUInt64();
        }
    }

    private int NextRandom(int exclusiveMax)
    {
        lock (_gate)
        {
            return _random.Next(exclusiveMax);
        }
    }

    private static string Checked(string path)
    {
        GfsPath.Validate(path);
        return path;
    }

    private static void ThrowIfFailed(MasterResponse response, string path)
    {
        if (response.Code != GfsErrorCode.None)
        {
            throw new GfsException(response.Code, path, response.Message);
        }
    }

    /// <summary>A cached chunk location with, for writes, the lease's primary and the local time the lease is trusted until.</summary>
    private sealed record CachedChunk(ChunkLocation Location, long CachedAt, long LeaseUntil, int FileChunks);
}
