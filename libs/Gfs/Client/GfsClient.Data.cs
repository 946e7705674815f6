using Cluster.Core;

namespace Gfs;

public sealed partial class GfsClient
{
    private const int LocateBatch = 16;

    /// <summary>
    /// Reads up to <c>buffer.Length</c> bytes of <paramref name="path"/> at <paramref name="offset"/> from the replicas; fewer
    /// only at the end of the file. Every byte returned passed its chunkserver's checksum; a corrupt or stale replica is
    /// reported to the master and another replica is read.
    /// </summary>
    /// <returns>The number of bytes read; zero at or past the end.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is negative.</exception>
    /// <exception cref="GfsException">The file does not exist, is a directory, or no replica of a chunk could be read.</exception>
    public async Task<int> ReadAsync(string path, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        GfsPath.Validate(path);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var total = 0;
        while (total < buffer.Length)
        {
            var chunkSize = await ChunkSizeAsync(path, cancellationToken);
            var position = offset + total;
            var index = checked((int)(position / chunkSize));
            var within = position % chunkSize;
            var wanted = (int)Math.Min(buffer.Length - total, chunkSize - within);
            var (location, isLast) = await LocateForReadAsync(path, index, cancellationToken);
            if (location is null)
            {
                break;
            }

            var read = await ReadChunkAsync(path, location, within, buffer.Slice(total, wanted), cancellationToken);
            total += read;
            if (read < wanted)
            {
                if (isLast)
                {
                    break;
                }

                // A chunk before the last that is shorter than a chunk was written sparsely: its unwritten end reads as zeros.
                buffer.Span.Slice(total, wanted - read).Clear();
                total += wanted - read;
            }
        }

        return total;
    }

    /// <summary>
    /// Writes <paramref name="data"/> to <paramref name="path"/> at <paramref name="offset"/>, adding chunks as needed; returns
    /// once every replica of every chunk touched has applied it (the region is then defined).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is negative.</exception>
    /// <exception cref="GfsException">The file does not exist or is a directory, or the write kept failing (the region may then be inconsistent).</exception>
    public async Task WriteAsync(string path, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        GfsPath.Validate(path);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var written = 0;
        while (written < data.Length)
        {
            var chunkSize = await ChunkSizeAsync(path, cancellationToken);
            var position = offset + written;
            var index = checked((int)(position / chunkSize));
            var within = position % chunkSize;
            var length = (int)Math.Min(data.Length - written, chunkSize - within);
            await MutateAsync(path, index, MutationKind.Write, within, data.Slice(written, length), cancellationToken);
            written += length;
        }
    }

    /// <summary>
    /// Appends <paramref name="record"/> to <paramref name="path"/> atomically at an offset the primary chooses (§3.3) and
    /// returns that offset. Retried until it succeeds, so the record is stored at least once; a retry may leave a duplicate or
    /// garbage before it. Many clients may append to one file at once.
    /// </summary>
    /// <exception cref="GfsException">
    /// With <see cref="GfsErrorCode.InvalidArgument"/> when the record is longer than a quarter chunk; otherwise when the file
    /// does not exist or the append kept failing.
    /// </exception>
    public async Task<long> AppendRecordAsync(string path, ReadOnlyMemory<byte> record, CancellationToken cancellationToken = default)
    {
        GfsPath.Validate(path);
        var chunkSize = await ChunkSizeAsync(path, cancellationToken);
        if (record.Length > chunkSize / 4)
        {
            throw new GfsException(GfsErrorCode.InvalidArgument, path, $"A record of {record.Length} bytes exceeds the limit of a quarter chunk ({chunkSize / 4} bytes).");
        }

        int index;
        lock (_gate)
        {
            index = _lastChunk.GetValueOrDefault(path, -1);
        }

        if (index < 0)
        {
            var status = await StatAsync(path, cancellationToken);
            index = Math.Max(0, status.ChunkCount - 1);
        }

        for (var full = 0; ; full++)
        {
            var answer = await MutateAsync(path, index, MutationKind.Append, 0, record, cancellationToken);
            if (answer.Code == GfsErrorCode.None)
            {
                lock (_gate)
                {
                    _lastChunk[path] = index;
                }

                return (index * chunkSize) + answer.Offset;
            }

            // ChunkFull: the primary padded the chunk; the record goes to the next one.
            index++;
            if (full > 4 * 1024)
            {
                throw new GfsException(GfsErrorCode.Unavailable, path, "Record append found chunk after chunk full.");
            }
        }
    }

    /// <summary>Opens a read-only, seekable stream over <paramref name="path"/> (its length as the master reports it at opening).</summary>
    public async Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var status = await StatAsync(path, cancellationToken);
        if (status.IsDirectory)
        {
            throw new GfsException(GfsErrorCode.IsADirectory, path, $"'{path}' is a directory.");
        }

        return new GfsReadStream(this, path, status.Length);
    }

    /// <summary>Opens a write-only stream that writes <paramref name="path"/> sequentially from <paramref name="offset"/>, in pieces of <paramref name="bufferBytes"/>.</summary>
    public Stream OpenWrite(string path, long offset = 0, int bufferBytes = 1024 * 1024)
    {
        GfsPath.Validate(path);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferBytes, 1);
        return new GfsWriteStream(this, path, offset, bufferBytes);
    }

    private async Task<long> ChunkSizeAsync(string path, CancellationToken cancellationToken)
    {
        var size = Volatile.Read(ref _chunkSize);
        if (size > 0)
        {
            return size;
        }

        var status = await StatAsync(path, cancellationToken);
        return status.ChunkSize > 0 ? status.ChunkSize : throw new GfsException(GfsErrorCode.Unavailable, path, "The master did not say the chunk size.");
    }

    private async Task<(ChunkLocation? Location, bool IsLast)> LocateForReadAsync(string path, int index, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // Entries cached by a write do not know the file's chunk count, so a read asks the master.
            if (_chunks.TryGetValue((path, index), out var cached) && cached.FileChunks > 0 && Fresh(cached) && cached.Location.Replicas.Count > 0)
            {
                return (cached.Location, index >= cached.FileChunks - 1);
            }
        }

        var response = await MasterCallAsync(new MasterRequest { Operation = MasterOperation.FindChunks, Path = path, ChunkIndex = index, ChunkCount = LocateBatch }, cancellationToken);
        ThrowIfFailed(response, path);
        if (response.IsDirectory)
        {
            throw new GfsException(GfsErrorCode.IsADirectory, path, $"'{path}' is a directory.");
        }

        if (response.ChunkSize > 0)
        {
            Volatile.Write(ref _chunkSize, response.ChunkSize);
        }

        var now = _time.GetTimestamp();
        lock (_gate)
        {
            foreach (var location in response.Chunks)
            {
                _chunks[(path, location.Index)] = new CachedChunk(location, now, 0, response.ChunkCount);
            }
        }

        var found = response.Chunks.FirstOrDefault(c => c.Index == index);
        return (found, index >= response.ChunkCount - 1);
    }

    private async Task<int> ReadChunkAsync(string path, ChunkLocation location, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < _options.MaxAttempts; attempt++)
        {
            var replicas = location.Replicas.ToArray();
            if (replicas.Length == 0)
            {
                await PauseAsync(attempt, cancellationToken);
                location = await RelocateAsync(path, location.Index, cancellationToken) ?? location;
                continue;
            }

            // Spread reads over the replicas (§2.7: any current replica serves a read), trying last any that recently timed
            // out: the cached locations may name a dead chunkserver for a while, and each try of it costs a whole timeout.
            var start = NextRandom(replicas.Length);
            var order = Enumerable.Range(0, replicas.Length).Select(i => new NodeId(replicas[(start + i) % replicas.Length])).OrderBy(r => IsUnresponsive(r) ? 1 : 0).ToArray();
            foreach (var replica in order)
            {
                var read = await TryReadReplicaAsync(path, replica, location, offset, destination, cancellationToken);
                if (read >= 0)
                {
                    return read;
                }
            }

            await PauseAsync(attempt, cancellationToken);
            location = await RelocateAsync(path, location.Index, cancellationToken) ?? location;
        }

        throw new GfsException(GfsErrorCode.Unavailable, path, $"No replica of chunk {location.Index} of '{path}' could be read.");
    }

    /// <summary>Reads from one replica; -1 when that replica failed (and was reported if corrupt).</summary>
    private async Task<int> TryReadReplicaAsync(string path, NodeId replica, ChunkLocation location, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < destination.Length)
        {
            ReadChunkResponse response;
            try
            {
                response = await _bus.RequestAsync<ReadChunkResponse>(
                    replica,
                    new ReadChunkRequest { Handle = location.Handle, Version = location.Version, Offset = offset + total, Length = destination.Length - total },
                    _options.RpcTimeout,
                    cancellationToken);
            }
            catch (Exception exception) when (exception is RpcTimeoutException or RemoteRpcException or RpcOverloadException or UnknownPeerException)
            {
                if (exception is RpcTimeoutException or UnknownPeerException)
                {
                    MarkUnresponsive(replica);
                }

                return -1;
            }

            MarkResponsive(replica);
            if (response.Code != GfsErrorCode.None)
            {
                if (response.Code is GfsErrorCode.Corrupt or GfsErrorCode.StaleVersion or GfsErrorCode.ChunkNotFound)
                {
                    InvalidateChunk(path, location.Index);
                    _ = ReportBadReplicaAsync(location.Handle, replica);
                }

                return -1;
            }

            response.Data.CopyTo(destination[total..]);
            total += response.Data.Length;
            if (response.Data.IsEmpty || offset + total >= response.ChunkLength)
            {
                break;
            }
        }

        return total;
    }

    private async Task ReportBadReplicaAsync(ulong handle, NodeId replica)
    {
        try
        {
            await MasterCallAsync(new MasterRequest { Operation = MasterOperation.ReportBadReplica, Handle = handle, Server = replica.Value }, CancellationToken.None);
        }
        catch (GfsException)
        {
            // The replica's own heartbeat reports it too.
        }
    }

    private async Task<ChunkLocation?> RelocateAsync(string path, int index, CancellationToken cancellationToken)
    {
        InvalidateChunk(path, index);
        var (location, _) = await LocateForReadAsync(path, index, cancellationToken);
        return location;
    }

    /// <summary>Pushes the data along the replicas and asks the primary to apply it; retried with fresh leases until it succeeds.</summary>
    private async Task<ChunkResponse> MutateAsync(string path, int index, MutationKind kind, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ChunkResponse? last = null;
        (ulong Node, ulong Version) unreachable = default;
        for (var attempt = 0; attempt < _options.MaxAttempts; attempt++)
        {
            var location = await LeaseForWriteAsync(path, index, unreachable, cancellationToken);
            var replicas = location.Replicas;
            var dataId = NextDataId();
            var pushed = await PushAsync(replicas, dataId, data, cancellationToken);
            if (pushed.Code != GfsErrorCode.None)
            {
                last = pushed;
                unreachable = (pushed.Unreachable, location.Version);
                InvalidateChunk(path, index);
                await RetryPauseAsync(attempt, unreachable.Node, cancellationToken);
                continue;
            }

            ChunkResponse answer;
            try
            {
                answer = await _bus.RequestAsync<ChunkResponse>(
                    new NodeId(location.Primary),
                    new MutateRequest
                    {
                        Kind = kind,
                        Handle = location.Handle,
                        Version = location.Version,
                        Offset = offset,
                        DataId = dataId,
                        Length = data.Length,
                        Secondaries = [.. replicas.Where(r => r != location.Primary)],
                    },
                    _options.RpcTimeout * 2,
                    cancellationToken);
            }
            catch (Exception exception) when (exception is RpcTimeoutException or RemoteRpcException or RpcOverloadException or UnknownPeerException)
            {
                answer = ChunkResponse.Fail(GfsErrorCode.ReplicaFailed, $"Primary {location.Primary} did not answer: {exception.Message}") with
                {
                    Unreachable = exception is RpcTimeoutException or UnknownPeerException or RemoteRpcException ? location.Primary : 0,
                };
            }

            if (answer.Code is GfsErrorCode.None or GfsErrorCode.ChunkFull)
            {
                return answer;
            }

            if (answer.Code == GfsErrorCode.InvalidArgument)
            {
                throw new GfsException(answer.Code, path, answer.Message);
            }

            last = answer;
            unreachable = (answer.Unreachable, location.Version);
            InvalidateChunk(path, index);
            await RetryPauseAsync(attempt, unreachable.Node, cancellationToken);
        }

        throw new GfsException(last?.Code ?? GfsErrorCode.Unavailable, path, $"The {kind} to chunk {index} of '{path}' failed {_options.MaxAttempts} times (the region may be inconsistent): {last?.Message}");
    }

    /// <summary>
    /// Before the next try of a failed mutation. When a replica did not answer, the master is told and replaces the lease
    /// without it, so the client asks again soon (the failed try already waited out a timeout); otherwise it backs off.
    /// </summary>
    private Task RetryPauseAsync(int attempt, ulong unreachable, CancellationToken cancellationToken) =>
        PauseAsync(unreachable != 0 ? 0 : attempt, cancellationToken);

    /// <summary>
    /// The chunk's location with a primary whose lease the client may still trust, from the cache or the master (adding chunks up
    /// to <paramref name="index"/>). After a failed try, <paramref name="unreachable"/> names a replica of the failed lease that
    /// did not answer.
    /// </summary>
    private async Task<ChunkLocation> LeaseForWriteAsync(string path, int index, (ulong Node, ulong Version) unreachable, CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_chunks.TryGetValue((path, index), out var cached) && cached.Location.Primary != 0 && now < cached.LeaseUntil)
            {
                return cached.Location;
            }
        }

        for (var attempt = 0; ; attempt++)
        {
            var response = await MasterCallAsync(
                new MasterRequest
                {
                    Operation = MasterOperation.ChunkForWrite,
                    Path = path,
                    ChunkIndex = index,
                    CreateChunk = true,
                    Unreachable = unreachable.Node,
                    UnreachableVersion = unreachable.Version,
                },
                cancellationToken);
            if (response.Code == GfsErrorCode.InvalidArgument && response.ChunkCount < index)
            {
                // Writing past the end: the chunks in between are added first (they read as zeros).
                await LeaseForWriteAsync(path, response.ChunkCount, default, cancellationToken);
                continue;
            }

            if (response.Code == GfsErrorCode.Unavailable && attempt < _options.MaxAttempts)
            {
                await PauseAsync(attempt, cancellationToken);
                continue;
            }

            ThrowIfFailed(response, path);
            if (response.ChunkSize > 0)
            {
                Volatile.Write(ref _chunkSize, response.ChunkSize);
            }

            var location = response.Chunks[0];
            var taken = _time.GetTimestamp();

            // Trust the lease for half of what the master said is left, leaving room for clock rates and message delays.
            var trustedFor = (long)(location.LeaseRemaining.TotalSeconds / 2 * _time.TimestampFrequency);
            lock (_gate)
            {
                _chunks[(path, index)] = new CachedChunk(location, taken, taken + trustedFor, 0);
            }

            return location;
        }
    }

    /// <summary>Pushes <paramref name="data"/> to the first replica in pieces, each forwarded down the chain as it arrives.</summary>
    private async Task<ChunkResponse> PushAsync(IReadOnlyList<ulong> chain, ulong dataId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (chain.Count == 0)
        {
            return ChunkResponse.Fail(GfsErrorCode.Unavailable, "The chunk has no replica to push to.");
        }

        var first = new NodeId(chain[0]);
        var rest = chain.Skip(1).ToArray();
        var pieceBytes = _options.PushPieceBytes;
        var pieces = Math.Max(1, (data.Length + pieceBytes - 1) / pieceBytes);
        var inFlight = new List<Task<ChunkResponse>>();
        for (var piece = 0; piece < pieces; piece++)
        {
            var start = piece * pieceBytes;
            var push = new PushDataRequest
            {
                DataId = dataId,
                Offset = start,
                TotalLength = data.Length,
                Piece = data.Slice(start, Math.Min(pieceBytes, data.Length - start)),
                Chain = rest,
            };
            inFlight.Add(PushPieceAsync(first, push, cancellationToken));
            if (inFlight.Count >= _options.PushWindow)
            {
                var done = await Task.WhenAny(inFlight);
                inFlight.Remove(done);
                if ((await done).Code != GfsErrorCode.None)
                {
                    await Task.WhenAll(inFlight);
                    return await done;
                }
            }
        }

        foreach (var answer in await Task.WhenAll(inFlight))
        {
            if (answer.Code != GfsErrorCode.None)
            {
                return answer;
            }
        }

        return ChunkResponse.Ok;
    }

    private async Task<ChunkResponse> PushPieceAsync(NodeId target, PushDataRequest push, CancellationToken cancellationToken)
    {
        try
        {
            return await _bus.RequestAsync<ChunkResponse>(target, push, _options.RpcTimeout, cancellationToken);
        }
        catch (Exception exception) when (exception is RpcTimeoutException or RemoteRpcException or RpcOverloadException or UnknownPeerException)
        {
            return ChunkResponse.Fail(GfsErrorCode.ReplicaFailed, $"Pushing data to {target} failed: {exception.Message}") with
            {
                Unreachable = exception is RpcTimeoutException or UnknownPeerException or RemoteRpcException ? target.Value : 0,
            };
        }
    }

    private void MarkUnresponsive(NodeId replica)
    {
        lock (_gate)
        {
            _unresponsive[replica] = _time.GetTimestamp();
        }
    }

    private void MarkResponsive(NodeId replica)
    {
        lock (_gate)
        {
            _unresponsive.Remove(replica);
        }
    }

    /// <summary>Whether <paramref name="replica"/> timed out within the location cache's lifetime (and has not answered since).</summary>
    private bool IsUnresponsive(NodeId replica)
    {
        lock (_gate)
        {
            return _unresponsive.TryGetValue(replica, out var since) && _time.GetElapsedTime(since) < _options.LocationCacheTtl;
        }
    }

    private bool Fresh(CachedChunk cached) => _time.GetElapsedTime(cached.CachedAt) < _options.LocationCacheTtl;

    private void InvalidateChunk(string path, int index)
    {
        lock (_gate)
        {
            _chunks.Remove((path, index));
        }
    }
}
