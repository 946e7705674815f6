using System.Runtime.ExceptionServices;
using Cluster.Core;

namespace Gfs;

public sealed partial class ChunkServer
{
    private async ValueTask<ChunkResponse> HandleCommandAsync(NodeId from, ChunkCommand command, CancellationToken cancellationToken)
    {
        if (!_masters.Contains(from))
        {
            return ChunkResponse.Fail(GfsErrorCode.InvalidArgument, $"Node {from} is not a master of this chunkserver; command refused.");
        }


        var gate = ChunkGate(command.Handle);
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Checked once the command may run, so a command that waited behind a newer master's is still refused.
            if (!AcceptEpoch(command.Epoch, out var newest))
            {
                Log.CommandFromDeposedMaster(_logger, Id, command.Kind, command.Handle, from, command.Epoch, newest);
                return ChunkResponse.Fail(GfsErrorCode.StaleMaster, $"Chunkserver {Id} has seen master epoch {newest}; {command.Kind} of epoch {command.Epoch} from {from} comes from a deposed master.");
            }

            switch (command.Kind)
            {
                case ChunkCommandKind.Create:
                    if (_store.TryGetInfo(command.Handle, out var existing))
                    {
                        return existing.Version == command.Version && existing.Length == 0
                            ? Answer(command.Handle)
                            : ChunkResponse.Fail(GfsErrorCode.AlreadyExists, $"Chunk {command.Handle} already exists at version {existing.Version}.");
                    }

                    await _store.CreateAsync(command.Handle, command.Version, cancellationToken);
                    return Answer(command.Handle);

                case ChunkCommandKind.SetVersion:
                    if (!_store.TryGetInfo(command.Handle, out var info))
                    {
                        return ChunkResponse.Fail(GfsErrorCode.ChunkNotFound, $"Chunk {command.Handle} is not on chunkserver {Id}.");
                    }

                    if (info.IsCorrupt)
                    {
                        return ChunkResponse.Fail(GfsErrorCode.Corrupt, $"Chunk {command.Handle} on chunkserver {Id} is corrupt.");
                    }

                    if (info.Version > command.Version)
                    {
                        return ChunkResponse.Fail(GfsErrorCode.StaleVersion, $"Chunk {command.Handle} is already at version {info.Version}.");
                    }

                    lock (_gate)
                    {
                        _leases.Remove(command.Handle);
                    }

                    await _store.SetVersionAsync(command.Handle, command.Version, cancellationToken);
                    return Answer(command.Handle);

                case ChunkCommandKind.GrantLease:
                    if (!_store.TryGetInfo(command.Handle, out var leased) || leased.Version != command.Version || leased.IsCorrupt)
                    {
                        return ChunkResponse.Fail(GfsErrorCode.StaleVersion, $"Chunk {command.Handle} on chunkserver {Id} is not a good replica at version {command.Version}.");
                    }

                    lock (_gate)
                    {
                        _leases[command.Handle] = new HeldLease(command.Version, _time.GetTimestamp() + ToTicks(command.LeaseDuration - LeaseMargin(command.LeaseDuration)));
                    }

                    Log.LeaseGranted(_logger, Id, command.Handle, command.Version);
                    return Answer(command.Handle);

                case ChunkCommandKind.RevokeLease:
                    // Holding the chunk's gate means no mutation is in flight: the master may now copy or re-lease the chunk.
                    lock (_gate)
                    {
                        _leases.Remove(command.Handle);
                    }

                    return ChunkResponse.Ok;

                case ChunkCommandKind.CloneFrom:
                    return await CloneAsync(command, cancellationToken);

                case ChunkCommandKind.CopyLocal:
                    return await CopyLocalAsync(command, cancellationToken);

                default:
                    return ChunkResponse.Fail(GfsErrorCode.InvalidArgument, $"Unknown chunk command {command.Kind}.");
            }
        }
        catch (Exception exception) when (IsStoreFailure(exception))
        {
            return StoreFailure(command.Handle, exception);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Copies a replica from another chunkserver in pieces. The copy is created at version 0 and raised to the real version
    /// only once complete, so a crash mid-copy leaves a replica the master sees as stale, never a short "current" one.
    /// </summary>
    private async Task<ChunkResponse> CloneAsync(ChunkCommand command, CancellationToken cancellationToken)
    {
        if (_store.TryGetInfo(command.Handle, out var existing))
        {
            if (existing.Version == command.Version && !existing.IsCorrupt)
            {
                return Answer(command.Handle);
            }

            await _store.DeleteAsync(command.Handle, cancellationToken);
        }

        await _store.CreateAsync(command.Handle, 0, cancellationToken);
        try
        {
            var source = new NodeId(command.Source);
            for (long offset = 0; ;)
            {
                var piece = await _bus.RequestAsync<ReadChunkResponse>(
                    source,
                    new ReadChunkRequest { Handle = command.Handle, Version = command.Version, Offset = offset, Length = _options.ReadPieceBytes },
                    _options.RpcTimeout,
                    cancellationToken);
                if (piece.Code != GfsErrorCode.None)
                {
                    await _store.DeleteAsync(command.Handle, cancellationToken);
                    return ChunkResponse.Fail(piece.Code, $"Copying chunk {command.Handle} from {source} failed: {piece.Message}");
                }

                if (!piece.Data.IsEmpty)
                {
                    await _store.WriteAsync(command.Handle, offset, piece.Data, cancellationToken);
                    offset += piece.Data.Length;
                }

                if (offset >= piece.ChunkLength || piece.Data.IsEmpty)
                {
                    break;
                }
            }

            await _store.SetVersionAsync(command.Handle, command.Version, cancellationToken);
            return Answer(command.Handle);
        }
        catch (Exception exception) when (exception is RpcTimeoutException or RemoteRpcException or RpcOverloadException or UnknownPeerException)
        {
            await _store.DeleteAsync(command.Handle, cancellationToken);
            return ChunkResponse.Fail(GfsErrorCode.Unavailable, $"Copying chunk {command.Handle} failed: {exception.Message}");
        }
    }

    private async Task<ChunkResponse> CopyLocalAsync(ChunkCommand command, CancellationToken cancellationToken)
    {
        if (_store.TryGetInfo(command.NewHandle, out var done) && done.Version == command.Version)
        {
            return Answer(command.NewHandle);
        }

        if (!_store.TryGetInfo(command.Handle, out var source) || source.Version != command.Version)
        {
            return ChunkResponse.Fail(GfsErrorCode.StaleVersion, $"Chunk {command.Handle} on chunkserver {Id} is not at version {command.Version}.");
        }

        var data = await _store.ReadAllAsync(command.Handle, cancellationToken);
        if (done.Handle != 0)
        {
            await _store.DeleteAsync(command.NewHandle, cancellationToken);
        }

        await _store.CreateAsync(command.NewHandle, 0, cancellationToken);
        if (data.Length > 0)
        {
            await _store.WriteAsync(command.NewHandle, 0, data, cancellationToken);
        }

        await _store.SetVersionAsync(command.NewHandle, command.Version, cancellationToken);
        return Answer(command.NewHandle);
    }

    private async ValueTask<ChunkResponse> HandlePushAsync(NodeId from, PushDataRequest push, CancellationToken cancellationToken)
    {
        if (push.TotalLength < 0 || push.TotalLength > _store.ChunkSizeBytes || push.Offset < 0 || (long)push.Offset + push.Piece.Length > push.TotalLength)
        {
            return ChunkResponse.Fail(GfsErrorCode.InvalidArgument, $"Pushed piece [{push.Offset}, +{push.Piece.Length}) of {push.TotalLength} bytes is out of range.");
        }

        if (push.Chain.Count > 16)
        {
            return ChunkResponse.Fail(GfsErrorCode.InvalidArgument, "A push chain may name at most 16 chunkservers.");
        }

        // §3.2: forward at once, so the piece travels down the chain while the next one arrives here.
        Task<ChunkResponse>? forwarded = null;
        if (push.Chain.Count > 0)
        {
            forwarded = ForwardPushAsync(push, cancellationToken);
        }

        if (!_pushed.Add(push.DataId, push.Offset, push.TotalLength, push.Piece.Span))
        {
            return ChunkResponse.Fail(GfsErrorCode.InvalidArgument, $"Data {push.DataId} was pushed before with another length.");
        }

        return forwarded is null ? ChunkResponse.Ok : await forwarded;
    }

    private async Task<ChunkResponse> ForwardPushAsync(PushDataRequest push, CancellationToken cancellationToken)
    {
        var next = new NodeId(push.Chain[0]);
        try
        {
            return await _bus.RequestAsync<ChunkResponse>(next, push with { Chain = [.. push.Chain.Skip(1)] }, _options.RpcTimeout, cancellationToken);
        }
        catch (Exception exception) when (exception is RpcTimeoutException or RemoteRpcException or RpcOverloadException or UnknownPeerException)
        {
            return ChunkResponse.Fail(GfsErrorCode.ReplicaFailed, $"Forwarding data to chunkserver {next} failed: {exception.Message}") with
            {
                Unreachable = exception is RpcTimeoutException or UnknownPeerException or RemoteRpcException ? next.Value : 0,
            };
        }
    }

    private async ValueTask<ChunkResponse> HandleMutateAsync(NodeId from, MutateRequest request, CancellationToken cancellationToken)
    {
        if (request.Kind is not (MutationKind.Write or MutationKind.Append))
        {
            return ChunkResponse.Fail(GfsErrorCode.InvalidArgument, $"Clients may write or append, not {request.Kind}.");
        }

        if (request.Length < 0 || request.Offset < 0 || request.Offset + request.Length > _store.ChunkSizeBytes)
        {
            return ChunkResponse.Fail(GfsErrorCode.InvalidArgument, $"[{request.Offset}, +{request.Length}) is outside a chunk of {_store.ChunkSizeBytes} bytes.");
        }

        if (request.Kind == MutationKind.Append && request.Length > _store.ChunkSizeBytes / 4)
        {
            return ChunkResponse.Fail(GfsErrorCode.InvalidArgument, $"A record of {request.Length} bytes exceeds the limit of a quarter chunk ({_store.ChunkSizeBytes / 4} bytes).");
        }

        var gate = ChunkGate(request.Handle);
        await gate.WaitAsync(cancellationToken);
        try
        {
            lock (_gate)
            {
                if (!_leases.TryGetValue(request.Handle, out var lease) || lease.Version != request.Version || lease.Expires <= _time.GetTimestamp())
                {
                    return ChunkResponse.Fail(GfsErrorCode.NotPrimary, $"Chunkserver {Id} holds no valid lease on chunk {request.Handle} at version {request.Version}.");
                }

                lease.WantsExtension = true;
            }

            if (!_store.TryGetInfo(request.Handle, out var info) || info.Version != request.Version)
            {
                return ChunkResponse.Fail(GfsErrorCode.StaleVersion, $"Chunk {request.Handle} on chunkserver {Id} is not at version {request.Version}.");
            }

            if (!_pushed.TryGet(request.DataId, request.Length, out var data))
            {
                return ChunkResponse.Fail(GfsErrorCode.DataNotFound, $"Data {request.DataId} has not fully arrived at chunkserver {Id} (or was dropped); push it again.");
            }

            var kind = MutationKind.Write;
            var offset = request.Offset;
            if (request.Kind == MutationKind.Append)
            {
                if (info.Length + request.Length > _store.ChunkSizeBytes)
                {
                    // §3.3: the record does not fit; pad this chunk on every replica and send the client to the next chunk.
                    kind = MutationKind.Pad;
                    offset = _store.ChunkSizeBytes;
                }
                else
                {
                    offset = info.Length;
                }
            }

            var serial = NextSerial(request.Handle, request.Version);
            var apply = new ApplyMutationRequest { Kind = kind, Handle = request.Handle, Version = request.Version, Serial = serial, Offset = offset, DataId = request.DataId, Length = request.Length };

            // §3.1 fixes the order by serial number, not by the primary applying first: the secondaries apply while the primary
            // does, so a mutation costs one disk write and its fsyncs in series, not two. A failure on either side fails the
            // mutation and may leave the region inconsistent until the client retries, as a secondary's failure always could.
            var secondaries = Task.WhenAll(request.Secondaries.Where(s => s != Id.Value).Select(s => ForwardMutationAsync(new NodeId(s), apply, cancellationToken)));
            ExceptionDispatchInfo? local = null;
            try
            {
                if (kind == MutationKind.Pad)
                {
                    await _store.PadToAsync(request.Handle, offset, cancellationToken);
                }
                else
                {
                    await _store.WriteAsync(request.Handle, offset, data, cancellationToken);
                }
            }
            catch (Exception exception)
            {
                local = ExceptionDispatchInfo.Capture(exception);
            }

            // The chunk's gate is held until every secondary has answered, so the next serial never overtakes this one.
            var answers = await secondaries;
            local?.Throw();
            var failed = answers.Where(a => a.Code != GfsErrorCode.None).ToList();
            if (failed.Count > 0)
            {
                return ChunkResponse.Fail(GfsErrorCode.ReplicaFailed, $"The mutation of chunk {request.Handle} failed at {failed.Count} secondaries (the region may be inconsistent; retry): {failed[0].Message}") with
                {
                    Unreachable = failed.Select(f => f.Unreachable).FirstOrDefault(u => u != 0),
                };
            }

            _pushed.Remove(request.DataId);
            return kind == MutationKind.Pad
                ? new ChunkResponse { Code = GfsErrorCode.ChunkFull, Message = $"Chunk {request.Handle} is full; append to the next chunk.", Version = request.Version, Length = offset }
                : new ChunkResponse { Offset = offset, Version = request.Version, Length = Math.Max(info.Length, offset + request.Length) };
        }
        catch (Exception exception) when (IsStoreFailure(exception))
        {
            return StoreFailure(request.Handle, exception);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Sends a mutation to a secondary; never throws (a failure, even cancellation, is an answer), so the primary can always wait for it.</summary>
    private async Task<ChunkResponse> ForwardMutationAsync(NodeId secondary, ApplyMutationRequest apply, CancellationToken cancellationToken)
    {
        try
        {
            return await _bus.RequestAsync<ChunkResponse>(secondary, apply, _options.RpcTimeout, cancellationToken);
        }
        catch (Exception exception) when (exception is RpcTimeoutException or RemoteRpcException or RpcOverloadException or UnknownPeerException
                                              or OperationCanceledException or ObjectDisposedException)
        {
            return ChunkResponse.Fail(GfsErrorCode.ReplicaFailed, $"Secondary {secondary} did not answer: {exception.Message}") with
            {
                Unreachable = exception is RpcTimeoutException or UnknownPeerException or RemoteRpcException ? secondary.Value : 0,
            };
        }
    }

    private async ValueTask<ChunkResponse> HandleApplyAsync(NodeId from, ApplyMutationRequest apply, CancellationToken cancellationToken)
    {
        if (apply.Kind is not (MutationKind.Write or MutationKind.Pad) || apply.Offset < 0 || apply.Length < 0
            || (apply.Kind == MutationKind.Write ? apply.Offset + apply.Length : apply.Offset) > _store.ChunkSizeBytes)
        {
            return ChunkResponse.Fail(GfsErrorCode.InvalidArgument, "The forwarded mutation is malformed.");
        }

        var gate = ChunkGate(apply.Handle);
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (!_store.TryGetInfo(apply.Handle, out var info) || info.Version != apply.Version || info.IsCorrupt)
            {
                return ChunkResponse.Fail(GfsErrorCode.StaleVersion, $"Chunk {apply.Handle} on chunkserver {Id} is not a good replica at version {apply.Version}.");
            }

            lock (_gate)
            {
                // Within a version (one primary) serials only grow, and the primary sends the next only after this one is
                // answered: an older or equal serial is a duplicate delivery of a mutation already applied.
                if (_serials.TryGetValue(apply.Handle, out var last) && last.Version == apply.Version && last.Serial >= apply.Serial)
                {
                    return new ChunkResponse { Version = apply.Version, Length = info.Length };
                }
            }

            if (apply.Kind == MutationKind.Pad)
            {
                await _store.PadToAsync(apply.Handle, apply.Offset, cancellationToken);
            }
            else
            {
                if (!_pushed.TryGet(apply.DataId, apply.Length, out var data))
                {
                    return ChunkResponse.Fail(GfsErrorCode.DataNotFound, $"Data {apply.DataId} has not fully arrived at chunkserver {Id}.");
                }

                await _store.WriteAsync(apply.Handle, apply.Offset, data, cancellationToken);
                _pushed.Remove(apply.DataId);
            }

            lock (_gate)
            {
                _serials[apply.Handle] = (apply.Version, apply.Serial);
            }

            return Answer(apply.Handle);
        }
        catch (Exception exception) when (IsStoreFailure(exception))
        {
            return StoreFailure(apply.Handle, exception);
        }
        finally
        {
            gate.Release();
        }
    }

    private async ValueTask<ReadChunkResponse> HandleReadAsync(NodeId from, ReadChunkRequest request, CancellationToken cancellationToken)
    {
        if (request.Offset < 0 || request.Length < 0)
        {
            return new ReadChunkResponse { Code = GfsErrorCode.InvalidArgument, Message = "Offset and length must not be negative." };
        }

        if (!_store.TryGetInfo(request.Handle, out var info))
        {
            return new ReadChunkResponse { Code = GfsErrorCode.ChunkNotFound, Message = $"Chunk {request.Handle} is not on chunkserver {Id}." };
        }

        if (info.Version != request.Version)
        {
            return new ReadChunkResponse { Code = GfsErrorCode.StaleVersion, Message = $"Chunk {request.Handle} on chunkserver {Id} is at version {info.Version}, not {request.Version}." };
        }

        var length = (int)Math.Clamp(Math.Min(request.Length, info.Length - request.Offset), 0, _options.ReadPieceBytes);
        var buffer = new byte[length];
        try
        {
            var read = length == 0 ? 0 : await _store.ReadAsync(request.Handle, request.Offset, buffer, cancellationToken);
            return new ReadChunkResponse { Data = buffer.AsMemory(0, read), ChunkLength = info.Length };
        }
        catch (ChunkCorruptException exception)
        {
            Log.ReadFoundCorruption(_logger, Id, request.Handle, exception.BlockIndex);
            return new ReadChunkResponse { Code = GfsErrorCode.Corrupt, Message = exception.Message };
        }
        catch (ChunkNotFoundException exception)
        {
            return new ReadChunkResponse { Code = GfsErrorCode.ChunkNotFound, Message = exception.Message };
        }
    }

    private ulong NextSerial(ulong handle, ulong version)
    {
        lock (_gate)
        {
            var next = _serials.TryGetValue(handle, out var last) && last.Version == version ? last.Serial + 1 : 1;
            _serials[handle] = (version, next);
            return next;
        }
    }

    private ChunkResponse Answer(ulong handle) =>
        _store.TryGetInfo(handle, out var info) ? new ChunkResponse { Version = info.Version, Length = info.Length } : ChunkResponse.Ok;

    private static bool IsStoreFailure(Exception exception) =>
        exception is ChunkCorruptException or ChunkNotFoundException or ChunkExistsException or ChunkVersionException or ChunkFullException or StorageFullException or CorruptDataException or IOException;

    private ChunkResponse StoreFailure(ulong handle, Exception exception)
    {
        var code = exception switch
        {
            ChunkCorruptException => GfsErrorCode.Corrupt,
            ChunkNotFoundException => GfsErrorCode.ChunkNotFound,
            ChunkExistsException => GfsErrorCode.AlreadyExists,
            ChunkVersionException => GfsErrorCode.StaleVersion,
            ChunkFullException => GfsErrorCode.InvalidArgument,
            _ => GfsErrorCode.ReplicaFailed,
        };
        Log.StoreOperationFailed(_logger, exception, Id, handle);
        return ChunkResponse.Fail(code, exception.Message);
    }
}
