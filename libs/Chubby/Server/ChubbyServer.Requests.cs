using Cluster.Core;

namespace Chubby;

public sealed partial class ChubbyServer
{
    private async ValueTask<ChubbyResponse> HandleRequestAsync(NodeId from, ChubbyRequest request, CancellationToken cancellationToken)
    {
        if (request.Operation == ChubbyOperation.CreateSession)
        {
            return await CreateSessionAsync(from, request.Principal);
        }

        if (request.SessionId == 0)
        {
            return Refuse(ChubbyErrorCode.SessionExpired, $"{request.Operation} needs a session; create one first.");
        }

        MasterState master;
        SessionLease lease;
        lock (_gate)
        {
            if (AdmitLocked(request.SessionId, out master!, out lease!) is { } refusal)
            {
                return refusal;
            }

            if (request.Handle is { } handle && request.Operation != ChubbyOperation.CloseHandle && request.Operation != ChubbyOperation.Open)
            {
                RegisterHandleLocked(master, lease, handle);
            }
        }

        try
        {
            return request.Operation switch
            {
                ChubbyOperation.Open => await OpenAsync(master, lease, request),
                ChubbyOperation.GetContentsAndStat or ChubbyOperation.GetStat => await ReadNodeAsync(master, lease, request),
                ChubbyOperation.ReadDir => await ReadDirectoryAsync(master, request),
                ChubbyOperation.SetContents => await SetContentsAsync(master, lease, request),
                ChubbyOperation.Delete => await DeleteAsync(master, lease, request),
                ChubbyOperation.Acquire => await AcquireAsync(master, lease, request),
                ChubbyOperation.Release => await ChangeAsync(master, SessionCommand(CommandKind.Release, request), []),
                ChubbyOperation.CheckSequencer => await CheckSequencerAsync(master, request),
                ChubbyOperation.CloseHandle => CloseHandle(master, lease, request),
                ChubbyOperation.CloseSession => await CloseSessionAsync(master, lease),
                ChubbyOperation.SetAcl => await SetAclAsync(master, request),
                _ => Refuse(ChubbyErrorCode.InvalidArgument, $"Unknown operation {request.Operation}."),
            };
        }
        catch (ChubbyException exception)
        {
            return Refuse(exception.Code, exception.Message);
        }
        catch (Exception exception) when (IsMasterLoss(exception))
        {
            return new ChubbyResponse { Status = ChubbyErrorCode.NotMaster, MasterHint = MasterHint(), Message = "The master changed while the call ran; ask the new master." };
        }
    }

    /// <summary>Checks that this replica is a ready master and the session is live; otherwise the refusal to send.</summary>
    private ChubbyResponse? AdmitLocked(ulong sessionId, out MasterState? master, out SessionLease? lease)
    {
        master = _master;
        lease = null;
        if (master is null || master.Abandoned)
        {
            return new ChubbyResponse { Status = ChubbyErrorCode.NotMaster, MasterHint = MasterHint(), Message = $"{Id} is not the master of cell {_options.CellName}." };
        }

        if (!master.Ready)
        {
            return Refuse(ChubbyErrorCode.MasterRecovering, $"{Id} is taking over as master; retry shortly.");
        }

        if (sessionId == 0)
        {
            return null;
        }

        if (RefusalLocked(master, sessionId, NowMilliseconds, out lease) is { } refusal)
        {
            return refusal == ChubbyErrorCode.SessionExpired
                ? Refuse(refusal, $"Session {sessionId} has expired.")
                : Refuse(refusal, $"The lease of session {sessionId} has run out at {Id} and its end is not recorded yet; retry.");
        }

        return null;
    }

    private async Task<ChubbyResponse> CreateSessionAsync(NodeId from, string? principal)
    {
        principal ??= ChubbyPrincipal.Anonymous;
        if (!ChubbyPrincipal.IsValid(principal))
        {
            return Refuse(ChubbyErrorCode.InvalidArgument, $"'{principal}' is not a principal name: 1 to {ChubbyPrincipal.MaxLength} letters, digits, '-', '_', '.' and '@'.");
        }

        MasterState master;
        lock (_gate)
        {
            if (AdmitLocked(0, out master!, out _) is { } refusal)
            {
                return refusal;
            }

            if (master.Leases.Count >= _options.MaxSessions)
            {
                return Refuse(ChubbyErrorCode.InvalidArgument, $"The cell holds ChubbyServerOptions.MaxSessions ({_options.MaxSessions}) sessions; retry later.");
            }
        }

        DatabaseResult result;
        try
        {
            result = await ProposeAsync(new DatabaseCommand
            {
                Kind = CommandKind.CreateSession,
                TimeMilliseconds = NowMilliseconds,
                Client = from.Value,
                LeaseMilliseconds = (long)_options.Lease.TotalMilliseconds,
                Principal = principal,
            });
        }
        catch (Exception exception) when (IsMasterLoss(exception))
        {
            return new ChubbyResponse { Status = ChubbyErrorCode.NotMaster, MasterHint = MasterHint() };
        }

        if (result.Status != ChubbyErrorCode.Ok)
        {
            return Refuse(result.Status, result.Message ?? $"The session was not created: {result.Status}.");
        }

        lock (_gate)
        {
            if (master.Abandoned)
            {
                // The session exists in the database; the next master picks it up with its recorded lease.
                return new ChubbyResponse { Status = ChubbyErrorCode.NotMaster, MasterHint = MasterHint() };
            }

            master.Leases[result.SessionId] = new SessionLease(result.SessionId, result.PromisedUntilMilliseconds) { AcknowledgedFailover = true };
            Log.SessionCreated(_logger, Id, result.SessionId, from);
            return new ChubbyResponse
            {
                SessionId = result.SessionId,
                MasterEpoch = master.Epoch,
                LeaseRemainingMilliseconds = Math.Max(0, result.PromisedUntilMilliseconds - NowMilliseconds),
            };
        }
    }

    private async Task<ChubbyResponse> OpenAsync(MasterState master, SessionLease lease, ChubbyRequest request)
    {
        ChubbyPath.Validate(request.Path, _options.CellName);
        var path = request.Path!;
        ChubbyResponse response;
        if ((request.Flags & OpenFlags.Create) != 0)
        {
            var command = SessionCommand(CommandKind.Create, request) with { Path = path, Flags = request.Flags, Contents = request.Contents.ToArray(), Acl = request.Acl };
            if (request.Contents.Length > _options.MaxFileBytes)
            {
                return TooLarge(path, request.Contents.Length);
            }

            response = await ChangeAsync(master, command, [path, ChubbyPath.Parent(path)!]);
        }
        else
        {
            response = await ReadAsync(master, lease, path, new DatabaseQuery { Kind = QueryKind.Node, Path = path, SessionId = lease.Id, ForOpen = true });
        }

        if (response.Status == ChubbyErrorCode.Ok && request.Handle is { } handle)
        {
            lock (_gate)
            {
                if (!master.Abandoned)
                {
                    RegisterHandleLocked(master, lease, handle with { Path = path, InstanceNumber = response.Stat!.InstanceNumber });
                }
            }
        }

        return response;
    }

    private Task<ChubbyResponse> ReadNodeAsync(MasterState master, SessionLease lease, ChubbyRequest request)
    {
        var handle = RequireHandle(request);
        return ReadAsync(master, lease, handle.Path, new DatabaseQuery
        {
            Kind = QueryKind.Node,
            Path = handle.Path,
            InstanceNumber = handle.InstanceNumber,
            IncludeContents = request.Operation == ChubbyOperation.GetContentsAndStat,
            Sequencer = request.Sequencer,
            SessionId = lease.Id,
        });
    }

    private async Task<ChubbyResponse> ReadDirectoryAsync(MasterState master, ChubbyRequest request)
    {
        var handle = RequireHandle(request);
        var result = await QueryAsync(new DatabaseQuery { Kind = QueryKind.Children, Path = handle.Path, InstanceNumber = handle.InstanceNumber, SessionId = request.SessionId });
        return ToResponse(master, result, cacheable: false);
    }

    private Task<ChubbyResponse> SetContentsAsync(MasterState master, SessionLease lease, ChubbyRequest request)
    {
        var handle = RequireHandle(request);
        if (request.Contents.Length > _options.MaxFileBytes)
        {
            return Task.FromResult(TooLarge(handle.Path, request.Contents.Length));
        }

        var command = SessionCommand(CommandKind.SetContents, request) with
        {
            Contents = request.Contents.ToArray(),
            ExpectedContentGeneration = request.ExpectedContentGeneration,
        };
        return ChangeAsync(master, command, [handle.Path]);
    }

    private Task<ChubbyResponse> DeleteAsync(MasterState master, SessionLease lease, ChubbyRequest request)
    {
        var handle = RequireHandle(request);
        var parent = ChubbyPath.Parent(handle.Path);
        return ChangeAsync(master, SessionCommand(CommandKind.Delete, request), parent is null ? [handle.Path] : [handle.Path, parent]);
    }

    /// <summary>
    /// Acquire, waiting at the master up to the asked bound (at most <see cref="ChubbyServerOptions.MaxLockWait"/>) for a release or
    /// the end of a lock-delay; holders that subscribed are told about the conflicting request once.
    /// </summary>
    private async Task<ChubbyResponse> AcquireAsync(MasterState master, SessionLease lease, ChubbyRequest request)
    {
        var handle = RequireHandle(request);
        if (!Enum.IsDefined(request.LockMode))
        {
            return Refuse(ChubbyErrorCode.InvalidArgument, $"Lock mode {request.LockMode} is neither Exclusive nor Shared.");
        }

        var waitUntil = NowMilliseconds + Math.Clamp(request.WaitMilliseconds, 0, (long)_options.MaxLockWait.TotalMilliseconds);
        var command = SessionCommand(CommandKind.Acquire, request) with
        {
            LockMode = request.LockMode,
            LockDelayMilliseconds = request.LockDelayMilliseconds < 0 ? (long)_options.DefaultLockDelay.TotalMilliseconds : request.LockDelayMilliseconds,
        };
        var toldHolders = false;
        while (true)
        {
            var (response, result) = await ChangeCoreAsync(master, command, [handle.Path]);
            if (response.Status is not (ChubbyErrorCode.LockBusy or ChubbyErrorCode.LockDelay) || NowMilliseconds >= waitUntil)
            {
                return response;
            }

            LockWaiter waiter;
            lock (_gate)
            {
                if (master.Abandoned)
                {
                    return response;
                }

                if (!toldHolders && result?.Holders is { } holders)
                {
                    NotifyLocked(master, handle.Path, EventMask.ConflictingLock, ChubbyEventKind.ConflictingLockRequest, handle.Path, holders);
                    toldHolders = true;
                }

                var retryAt = response.Status == ChubbyErrorCode.LockDelay ? Math.Min(result!.LockDelayUntilMilliseconds, waitUntil) : waitUntil;
                waiter = new LockWaiter(retryAt);
                if (!master.Waiters.TryGetValue(handle.Path, out var waiters))
                {
                    master.Waiters[handle.Path] = waiters = [];
                }

                waiters.Add(waiter);
            }

            await waiter.Completion.Task;
            lock (_gate)
            {
                if (master.Waiters.TryGetValue(handle.Path, out var waiters) && waiters.Remove(waiter) && waiters.Count == 0)
                {
                    master.Waiters.Remove(handle.Path);
                }
            }
        }
    }

    /// <summary>
    /// Replaces a node's ACL names. A change to the node like any other: caches of it are invalidated before it commits, so a
    /// principal that loses the read right is not served a copy it read before.
    /// </summary>
    private Task<ChubbyResponse> SetAclAsync(MasterState master, ChubbyRequest request)
    {
        var handle = RequireHandle(request);
        if (request.Acl is not { } names)
        {
            return Task.FromResult(Refuse(ChubbyErrorCode.InvalidArgument, "SetAcl needs ACL names."));
        }

        // The names are checked again (and authoritatively) when the change is applied; this only spares the log a doomed entry.
        return names.TryValidate(out var problem)
            ? ChangeAsync(master, SessionCommand(CommandKind.SetAcl, request) with { Acl = names }, [handle.Path])
            : Task.FromResult(Refuse(ChubbyErrorCode.InvalidArgument, $"Cannot set the ACL names of {handle.Path}: {problem}."));
    }

    private async Task<ChubbyResponse> CheckSequencerAsync(MasterState master, ChubbyRequest request)
    {
        if (request.Sequencer is null)
        {
            return Refuse(ChubbyErrorCode.InvalidArgument, "CheckSequencer needs a sequencer.");
        }

        var result = await QueryAsync(new DatabaseQuery { Kind = QueryKind.CheckSequencer, Sequencer = request.Sequencer });
        return ToResponse(master, result, cacheable: false) with { SequencerValid = result.Valid };
    }

    private ChubbyResponse CloseHandle(MasterState master, SessionLease lease, ChubbyRequest request)
    {
        var handle = RequireHandle(request);
        lock (_gate)
        {
            if (lease.Handles.Remove(handle.HandleId, out var removed))
            {
                RemoveWatcherLocked(master, lease, removed);
            }
        }

        return new ChubbyResponse { MasterEpoch = master.Epoch };
    }

    private async Task<ChubbyResponse> CloseSessionAsync(MasterState master, SessionLease lease)
    {
        lock (_gate)
        {
            if (lease.Ending)
            {
                return Refuse(ChubbyErrorCode.SessionExpired, $"Session {lease.Id} is already ending.");
            }

            BeginEnd(master, lease);
            lease.EndInFlight = true;
        }

        return await EndSessionsAsync(master, [lease], expired: false)
            ? new ChubbyResponse { MasterEpoch = master.Epoch }
            : new ChubbyResponse { Status = ChubbyErrorCode.NotMaster, MasterHint = MasterHint() };
    }

    /// <summary>A linearizable read (ReadIndex), marked cacheable when no change to <paramref name="path"/> is in progress.</summary>
    private async Task<ChubbyResponse> ReadAsync(MasterState master, SessionLease lease, string path, DatabaseQuery query)
    {
        bool cacheable;
        lock (_gate)
        {
            cacheable = BeginCacheableReadLocked(master, lease, path);
        }

        var result = await QueryAsync(query);

        // An answer the session may not read (an open with only the write right) is not cached: the cache serves reads.
        return ToResponse(master, result, cacheable && (result.Status == ChubbyErrorCode.NotFound || (result.Status == ChubbyErrorCode.Ok && result.Readable)));
    }

    private async Task<ChubbyResponse> ChangeAsync(MasterState master, DatabaseCommand command, string[] invalidate) =>
        (await ChangeCoreAsync(master, command, invalidate)).Response;

    /// <summary>A change: refused while fail-over recovery lasts; otherwise invalidate caches, log, apply, raise events.</summary>
    private async Task<(ChubbyResponse Response, DatabaseResult? Result)> ChangeCoreAsync(MasterState master, DatabaseCommand command, string[] invalidate)
    {
        // Writing, creating or deleting an ACL file may revoke a right to read any node that names it, anywhere in the cell.
        var aclFile = command.Kind is CommandKind.Create or CommandKind.SetContents or CommandKind.Delete
            && command.Path is { } path && ChubbyPath.IsAclFile(path, _options.CellName);
        lock (_gate)
        {
            if (!master.WritesAllowed)
            {
                return (Refuse(ChubbyErrorCode.MasterRecovering, "The new master waits for every session to acknowledge the fail-over before it allows changes; retry shortly."), null);
            }

            if (aclFile)
            {
                // Invalidate every cached copy (and wait for copies whose invalidation is still unacknowledged), and let no read be
                // cached until the change is applied. ACL files change rarely, so a cell-wide flush is cheaper than tracking which
                // node was read under which ACL file, and it cannot miss a node that names the file through a concurrent change.
                invalidate = [.. invalidate.Union(master.Cachers.Keys, StringComparer.Ordinal).Union(master.Outstanding.Keys, StringComparer.Ordinal)];
                master.AclFileChanges++;
            }
        }

        try
        {
            await InvalidateAsync(master, invalidate);
            var result = await ProposeAsync(command with { TimeMilliseconds = NowMilliseconds });
            lock (_gate)
            {
                ProcessChangesLocked(master, result.Changes);
            }

            return (ToResponse(master, result, cacheable: false), result);
        }
        finally
        {
            EndInvalidation(master, invalidate);
            if (aclFile)
            {
                lock (_gate)
                {
                    master.AclFileChanges--;
                }
            }
        }
    }

    private static DatabaseCommand SessionCommand(CommandKind kind, ChubbyRequest request) => new()
    {
        Kind = kind,
        SessionId = request.SessionId,
        Sequence = request.Sequence,
        LowestUnacknowledged = request.LowestUnacknowledged,
        Path = request.Handle?.Path ?? request.Path,
        InstanceNumber = request.Handle?.InstanceNumber ?? 0,
        Sequencer = request.Sequencer,
    };

    private static HandleDescriptor RequireHandle(ChubbyRequest request) =>
        request.Handle ?? throw new ChubbyException(ChubbyErrorCode.InvalidArgument, request.Path, $"{request.Operation} needs a handle.");

    private static ChubbyResponse ToResponse(MasterState master, DatabaseResult result, bool cacheable) => new()
    {
        Status = result.Status,
        Message = result.Message,
        Stat = result.Stat,
        Contents = result.Contents ?? ReadOnlyMemory<byte>.Empty,
        Children = result.Children,
        Cacheable = cacheable,
        MasterEpoch = master.Epoch,
    };

    private ChubbyResponse TooLarge(string path, int length) => Refuse(ChubbyErrorCode.FileTooLarge,
        $"{length} bytes for {path} exceed the cell's maximum file size of {_options.MaxFileBytes} bytes (ChubbyServerOptions.MaxFileBytes).");

    private static ChubbyResponse Refuse(ChubbyErrorCode code, string message) => new() { Status = code, Message = message };
}
