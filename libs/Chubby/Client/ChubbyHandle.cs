namespace Chubby;

/// <summary>
/// An open node (Chubby §2.6), bound to the node instance it was opened on: once that node is deleted (even if a node of the same
/// name is created again) calls fail with <see cref="ChubbyErrorCode.HandleInvalid"/>.
/// </summary>
/// <remarks>
/// Reads are served from the client's cache while the session is safe; changes go to the master, which invalidates every cached
/// copy before it commits them. Thread-safe.
/// </remarks>
public sealed class ChubbyHandle : IAsyncDisposable
{
    private readonly ChubbyClient _client;
    private readonly Lock _gate = new();
    private Sequencer? _held;
    private Sequencer? _attached;
    private int _closed;

    internal ChubbyHandle(ChubbyClient client, HandleDescriptor descriptor, NodeStat stat)
    {
        _client = client;
        Descriptor = descriptor;
        OpenedStat = stat;
    }

    /// <summary>The node's path.</summary>
    public string Path => Descriptor.Path;

    /// <summary>The node instance the handle is bound to.</summary>
    public ulong InstanceNumber => Descriptor.InstanceNumber;

    /// <summary>The events the handle subscribed to.</summary>
    public EventMask Events => Descriptor.Events;

    /// <summary>The metadata when the handle was opened.</summary>
    public NodeStat OpenedStat { get; }

    internal HandleDescriptor Descriptor { get; }

    /// <summary>Reads the whole file and its metadata, from the cache when it holds them.</summary>
    public async Task<NodeContents> GetContentsAndStatAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        if (Attached is null && _client.TryGetCached(Path, out var cached) && CachedFor(cached) is { } stat && cached.Contents is { } contents)
        {
            return new NodeContents(contents, stat);
        }

        var version = _client.CacheVersion;
        var response = await CallAsync(new ChubbyRequest { Operation = ChubbyOperation.GetContentsAndStat }, cancellationToken);
        ChubbyClient.ThrowIfFailed(response, Path);
        if (response.Cacheable)
        {
            _client.CompleteRead(Path, version, new CacheEntry(true, response.Stat, response.Contents.ToArray()));
        }

        return new NodeContents(response.Contents, response.Stat!);
    }

    /// <summary>Reads the node's metadata, from the cache when it holds it.</summary>
    public async Task<NodeStat> GetStatAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        if (Attached is null && _client.TryGetCached(Path, out var cached) && CachedFor(cached) is { } stat)
        {
            return stat;
        }

        var version = _client.CacheVersion;
        var response = await CallAsync(new ChubbyRequest { Operation = ChubbyOperation.GetStat }, cancellationToken);
        ChubbyClient.ThrowIfFailed(response, Path);
        if (response.Cacheable)
        {
            _client.CompleteRead(Path, version, new CacheEntry(true, response.Stat, null));
        }

        return response.Stat!;
    }

    /// <summary>Lists a directory's children (names, in ordinal order); always asks the master.</summary>
    public async Task<IReadOnlyList<string>> ReadDirAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        var response = await CallAsync(new ChubbyRequest { Operation = ChubbyOperation.ReadDir }, cancellationToken);
        ChubbyClient.ThrowIfFailed(response, Path);
        return response.Children ?? [];
    }

    /// <summary>Replaces the file's contents; with <paramref name="expectedContentGeneration"/>, only if the file is still at that generation.</summary>
    /// <returns>The metadata after the write.</returns>
    /// <exception cref="ChubbyException"><see cref="ChubbyErrorCode.GenerationMismatch"/>, <see cref="ChubbyErrorCode.FileTooLarge"/>, <see cref="ChubbyErrorCode.HandleInvalid"/>, …</exception>
    public async Task<NodeStat> SetContentsAsync(ReadOnlyMemory<byte> contents, ulong? expectedContentGeneration = null, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        var response = await CallAsync(new ChubbyRequest { Operation = ChubbyOperation.SetContents, Contents = contents, ExpectedContentGeneration = expectedContentGeneration }, cancellationToken);
        ChubbyClient.ThrowIfFailed(response, Path);
        return response.Stat!;
    }

    /// <summary>
    /// Replaces the node's ACL names (Chubby §2.4); needs the change-ACL right. The node's ACL generation grows, and every cached copy
    /// of it is invalidated before the change commits. Children keep their names: names are inherited only when a node is created.
    /// </summary>
    /// <returns>The metadata after the change.</returns>
    /// <exception cref="ChubbyException"><see cref="ChubbyErrorCode.PermissionDenied"/>, <see cref="ChubbyErrorCode.InvalidArgument"/> for a name that is not a file name, …</exception>
    public async Task<NodeStat> SetAclAsync(AclNames names, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(names);
        ThrowIfClosed();
        if (!names.TryValidate(out var problem))
        {
            throw new ChubbyException(ChubbyErrorCode.InvalidArgument, Path, $"Cannot set the ACL names of {Path}: {problem}.");
        }

        var response = await CallAsync(new ChubbyRequest { Operation = ChubbyOperation.SetAcl, Acl = names }, cancellationToken);
        ChubbyClient.ThrowIfFailed(response, Path);
        return response.Stat!;
    }

    /// <summary>Deletes the node (a directory must be empty). Handles on it become invalid.</summary>
    public async Task DeleteAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        var response = await CallAsync(new ChubbyRequest { Operation = ChubbyOperation.Delete }, cancellationToken);
        ChubbyClient.ThrowIfFailed(response, Path);
    }

    /// <summary>Acquires the node's lock, waiting as long as it takes (or until cancelled).</summary>
    /// <param name="mode">Exclusive (writer) or shared (reader).</param>
    /// <param name="lockDelay">How long others must wait if this session vanishes while holding the lock; the cell's default when null, at most its maximum.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The sequencer of the acquired lock.</returns>
    public async Task<Sequencer> AcquireAsync(LockMode mode = LockMode.Exclusive, TimeSpan? lockDelay = null, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (await TryAcquireCoreAsync(mode, lockDelay, _client.ClientOptions.AcquireWait, cancellationToken) is { } sequencer)
            {
                return sequencer;
            }
        }
    }

    /// <summary>Acquires the node's lock if it is free now (and not in lock-delay).</summary>
    /// <returns>The sequencer of the acquired lock, or null when it is held or in lock-delay.</returns>
    public Task<Sequencer?> TryAcquireAsync(LockMode mode = LockMode.Exclusive, TimeSpan? lockDelay = null, CancellationToken cancellationToken = default) =>
        TryAcquireCoreAsync(mode, lockDelay, TimeSpan.Zero, cancellationToken);

    /// <summary>Releases the node's lock.</summary>
    /// <exception cref="ChubbyException"><see cref="ChubbyErrorCode.LockNotHeld"/> when this session does not hold it.</exception>
    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        var response = await CallAsync(new ChubbyRequest { Operation = ChubbyOperation.Release }, cancellationToken);
        lock (_gate)
        {
            _held = null;
        }

        ChubbyClient.ThrowIfFailed(response, Path);
    }

    /// <summary>The sequencer of the lock this handle holds (Chubby §2.4, GetSequencer), to pass to the servers it sends work to.</summary>
    /// <exception cref="ChubbyException"><see cref="ChubbyErrorCode.LockNotHeld"/> when the handle holds no lock.</exception>
    public Sequencer GetSequencer()
    {
        lock (_gate)
        {
            return _held ?? throw new ChubbyException(ChubbyErrorCode.LockNotHeld, Path, $"The handle on {Path} holds no lock, so it has no sequencer.");
        }
    }

    /// <summary>
    /// Attaches a sequencer to the handle (Chubby §2.4, SetSequencer): from now on every call on it fails with
    /// <see cref="ChubbyErrorCode.StaleSequencer"/> once the sequencer no longer describes a held lock. Null detaches it.
    /// </summary>
    public void SetSequencer(Sequencer? sequencer)
    {
        lock (_gate)
        {
            _attached = sequencer;
        }
    }

    /// <summary>Forgets the handle at the master (its event subscriptions end). Locks it holds stay held.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _client.Forget(this);
        if (_client.State == ChubbySessionState.Safe)
        {
            try
            {
                await _client.CallAsync(new ChubbyRequest { Operation = ChubbyOperation.CloseHandle, Handle = Descriptor }, null, CancellationToken.None);
            }
            catch (ChubbySessionExpiredException)
            {
                // Nothing to forget at a master that no longer knows the session.
            }
        }
    }

    private Sequencer? Attached
    {
        get
        {
            lock (_gate)
            {
                return _attached;
            }
        }
    }

    private async Task<Sequencer?> TryAcquireCoreAsync(LockMode mode, TimeSpan? lockDelay, TimeSpan wait, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        var request = new ChubbyRequest
        {
            Operation = ChubbyOperation.Acquire,
            LockMode = mode,
            WaitMilliseconds = (long)wait.TotalMilliseconds,
            LockDelayMilliseconds = lockDelay is { } delay ? (long)delay.TotalMilliseconds : -1,
        };
        var response = await _client.CallAsync(request with { Handle = Descriptor, Sequencer = Attached }, _client.ClientOptions.RequestTimeout + wait, cancellationToken);
        if (response.Status is ChubbyErrorCode.LockBusy or ChubbyErrorCode.LockDelay)
        {
            return null;
        }

        ChubbyClient.ThrowIfFailed(response, Path);
        var sequencer = new Sequencer(Path, mode, response.Stat!.LockGeneration);
        lock (_gate)
        {
            _held = sequencer;
        }

        return sequencer;
    }

    private Task<ChubbyResponse> CallAsync(ChubbyRequest request, CancellationToken cancellationToken) =>
        _client.CallAsync(request with { Handle = Descriptor, Sequencer = Attached }, null, cancellationToken);

    /// <summary>The cached metadata if it is of this handle's instance; a cached absence or another instance means the handle is invalid.</summary>
    private NodeStat? CachedFor(CacheEntry cached)
    {
        if (!cached.Exists || cached.Stat!.InstanceNumber != InstanceNumber)
        {
            throw new ChubbyException(ChubbyErrorCode.HandleInvalid, Path, $"{Path} (instance {InstanceNumber}) was deleted or replaced; the handle is invalid.");
        }

        return cached.Stat;
    }

    private void ThrowIfClosed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) != 0, this);
}
