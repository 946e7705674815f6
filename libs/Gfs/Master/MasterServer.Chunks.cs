using Cluster.Core;

namespace Gfs;

public sealed partial class MasterServer
{
    private async Task<MasterResponse> FindChunksAsync(MasterRequest request, CancellationToken cancellationToken)
    {
        GfsPath.Validate(request.Path);
        if (request.ChunkIndex < 0 || request.ChunkCount < 0)
        {
            return new MasterResponse { Code = GfsErrorCode.InvalidArgument, Message = "Chunk index and count must not be negative." };
        }

        using var held = await _locks.AcquireAsync([request.Path], [], cancellationToken);
        var file = await QueryAsync(new MasterCommand { Op = MasterOp.Lookup, Path = request.Path }, cancellationToken);
        if (file.Code != GfsErrorCode.None || file.IsDirectory)
        {
            return new MasterResponse { Code = file.Code, Message = file.Message, IsDirectory = file.IsDirectory, ChunkCount = (int)file.Count, ChunkSize = _options.ChunkSize };
        }

        var count = file.Chunks.Count;
        var wanted = request.Operation == MasterOperation.Stat
            ? (count == 0 ? [] : [count - 1])
            : Enumerable.Range(request.ChunkIndex, Math.Max(0, Math.Min(request.ChunkCount, count - request.ChunkIndex)));
        var locations = new List<ChunkLocation>();
        var settling = Settling;
        lock (_gate)
        {
            foreach (var index in wanted)
            {
                var chunk = file.Chunks[index];
                var location = Locate(index, chunk);
                if (location.Replicas.Count == 0 && settling && request.Operation == MasterOperation.FindChunks)
                {
                    return new MasterResponse { Code = GfsErrorCode.NotReady, Message = "The master took over recently and is still learning chunk locations." };
                }

                locations.Add(location);
            }
        }

        var lastLength = locations.Count > 0 && request.Operation == MasterOperation.Stat ? locations[^1].Length : 0;
        return new MasterResponse
        {
            Chunks = locations,
            ChunkCount = count,
            ChunkSize = _options.ChunkSize,
            Length = count == 0 ? 0 : ((count - 1) * _options.ChunkSize) + lastLength,
        };
    }

    private async Task<MasterResponse> ChunkForWriteAsync(MasterRequest request, CancellationToken cancellationToken)
    {
        GfsPath.Validate(request.Path);
        if (request.ChunkIndex < 0)
        {
            return new MasterResponse { Code = GfsErrorCode.InvalidArgument, Message = "The chunk index must not be negative." };
        }

        // A read lock on the file keeps a snapshot (which write-locks it) from running between the copy-on-write check and the lease.
        using var held = await _locks.AcquireAsync([request.Path], [], cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            var file = await QueryAsync(new MasterCommand { Op = MasterOp.Lookup, Path = request.Path }, cancellationToken);
            if (file.Code != GfsErrorCode.None)
            {
                return new MasterResponse { Code = file.Code, Message = file.Message };
            }

            if (file.IsDirectory)
            {
                return new MasterResponse { Code = GfsErrorCode.IsADirectory, Message = $"'{request.Path}' is a directory." };
            }

            ulong handle;
            if (request.ChunkIndex < file.Chunks.Count)
            {
                handle = file.Chunks[request.ChunkIndex].Handle;
            }
            else if (request.ChunkIndex == file.Chunks.Count && request.CreateChunk)
            {
                if (Settling)
                {
                    return NotReady();
                }

                var added = await ProposeAsync(new MasterCommand { Op = MasterOp.AddChunk, Path = request.Path, ChunkIndex = request.ChunkIndex }, cancellationToken);
                if (added.Code != GfsErrorCode.None)
                {
                    return new MasterResponse { Code = added.Code, Message = added.Message };
                }

                handle = added.Handle;
            }
            else
            {
                return new MasterResponse
                {
                    Code = GfsErrorCode.InvalidArgument,
                    Message = $"'{request.Path}' has {file.Chunks.Count} chunks; chunk {request.ChunkIndex} does not exist and cannot be added yet.",
                    ChunkCount = file.Chunks.Count,
                };
            }

            // One lease decision per chunk at a time; a chunk shared by a snapshot stays gated while it is copied, so no
            // primary mutates it mid-copy.
            var gate = ChunkGate(handle);
            await gate.WaitAsync(cancellationToken);
            try
            {
                var now = StateMachine.QueryLocal(new MasterCommand { Op = MasterOp.Lookup, Path = request.Path });
                if (now.Code == GfsErrorCode.None && request.ChunkIndex < now.Chunks.Count && now.Chunks[request.ChunkIndex].Handle == handle)
                {
                    return await LeaseChunkAsync(request.Path, request.ChunkIndex, handle, cancellationToken);
                }
            }
            finally
            {
                gate.Release();
            }

            if (attempt >= 3)
            {
                return new MasterResponse { Code = GfsErrorCode.NotReady, Message = $"Chunk {request.ChunkIndex} of '{request.Path}' kept changing; retry." };
            }
        }
    }

    private async Task<MasterResponse> LeaseChunkAsync(string path, int index, ulong handle, CancellationToken cancellationToken)
    {
        if (!StateMachine.TryGetChunk(handle, out var version, out var references))
        {
            return new MasterResponse { Code = GfsErrorCode.ChunkNotFound, Message = $"Chunk {handle} no longer exists." };
        }

        // A chunk that never had a lease (version 1) has never been mutated, so if it has no replica (placement failed) it can
        // be placed afresh without losing anything.
        if (version == 1 && ReplicasOf(handle).Count == 0)
        {
            if (Settling)
            {
                return NotReady();
            }

            await PlaceNewChunkAsync(handle, version, cancellationToken);
        }

        if (references > 1)
        {
            var copied = await CopyOnWriteAsync(path, index, handle, cancellationToken);
            if (copied.Code != GfsErrorCode.None)
            {
                return copied;
            }

            if (copied.Chunks[0].Handle != handle)
            {
                // The copy is this file's alone; handles only grow, so taking its gate inside the old one cannot deadlock.
                var copyGate = ChunkGate(copied.Chunks[0].Handle);
                await copyGate.WaitAsync(cancellationToken);
                try
                {
                    return await LeaseChunkAsync(path, index, copied.Chunks[0].Handle, cancellationToken);
                }
                finally
                {
                    copyGate.Release();
                }
            }
        }

        LeaseState? replaced = null;
        lock (_gate)
        {
            if (_leases.TryGetValue(handle, out var lease) && lease.Version == version && _time.GetTimestamp() < lease.Expires)
            {
                var locations = LocationsOf(handle);
                if (lease.Replicas.All(r => IsLive(r) && locations.Contains(r)))
                {
                    return new MasterResponse { Chunks = [LocateWithLease(index, handle, version, lease)], ChunkSize = _options.ChunkSize };
                }

                replaced = lease;
            }
        }

        if (replaced is not null)
        {
            // A replica of the lease is gone: mutations under this version would now skip it, and it could come back looking
            // current. End the lease; the new one below bumps the version past the lost replica.
            await RevokeLeaseAsync(handle, cancellationToken);
        }

        if (Settling)
        {
            return NotReady();
        }

        var replicas = ReplicasOf(handle);
        if (replicas.Count == 0)
        {
            lock (_gate)
            {
                _blocked.Add(handle);
            }

            return new MasterResponse { Code = GfsErrorCode.Unavailable, Message = $"No live chunkserver holds the current version of chunk {handle}; it is being re-replicated or is lost." };
        }

        // §3.1: bump the version in the log first, then tell the up-to-date replicas, then grant the lease. The bump is marked
        // before it is proposed: once applied, a heartbeat handled before this continuation runs would otherwise find the
        // replicas one version behind and delete them as stale.
        lock (_gate)
        {
            _versionBumpedAt[handle] = _time.GetTimestamp();
        }

        var bumped = await ProposeAsync(new MasterCommand { Op = MasterOp.BumpVersion, Handle = handle, Version = version }, cancellationToken);
        if (bumped.Code != GfsErrorCode.None)
        {
            return new MasterResponse { Code = bumped.Code, Message = bumped.Message };
        }

        var newVersion = bumped.Version;
        lock (_gate)
        {
            _versionBumpedAt[handle] = _time.GetTimestamp();
            _leases.Remove(handle);
        }

        var answers = await Task.WhenAll(replicas.Select(r => CommandAsync(r, new ChunkCommand { Kind = ChunkCommandKind.SetVersion, Handle = handle, Version = newVersion }, cancellationToken)));
        var current2 = replicas.Where((_, i) => answers[i].Code == GfsErrorCode.None).ToList();
        lock (_gate)
        {
            var set = LocationsOf(handle);
            set.Clear();
            set.UnionWith(current2);
        }

        if (current2.Count == 0)
        {
            return new MasterResponse { Code = GfsErrorCode.Unavailable, Message = $"No replica of chunk {handle} accepted version {newVersion}." };
        }

        // From here on a mutation may happen at the new version, so a replica that missed it is stale for good. Logged before the
        // grant: until then a master taking over may raise replicas still one version behind instead of deleting them.
        var confirmed = await ProposeAsync(new MasterCommand { Op = MasterOp.ConfirmLease, Handle = handle, Version = newVersion }, cancellationToken);
        if (confirmed.Code != GfsErrorCode.None)
        {
            return new MasterResponse { Code = confirmed.Code, Message = confirmed.Message };
        }

        foreach (var primary in current2)
        {
            var sent = _time.GetTimestamp();
            var granted = await CommandAsync(primary, new ChunkCommand { Kind = ChunkCommandKind.GrantLease, Handle = handle, Version = newVersion, LeaseDuration = _options.LeaseDuration }, cancellationToken);
            if (granted.Code != GfsErrorCode.None)
            {
                continue;
            }

            var lease = new LeaseState(primary, newVersion, sent + (long)(_options.LeaseDuration.TotalSeconds * _time.TimestampFrequency), current2);
            lock (_gate)
            {
                _leases[handle] = lease;
                _blocked.Remove(handle);
                return new MasterResponse { Chunks = [LocateWithLease(index, handle, newVersion, lease)], ChunkSize = _options.ChunkSize };
            }
        }

        return new MasterResponse { Code = GfsErrorCode.Unavailable, Message = $"No replica of chunk {handle} accepted version {newVersion} and the lease." };
    }

    private async Task<MasterResponse> CopyOnWriteAsync(string path, int index, ulong handle, CancellationToken cancellationToken)
    {
        if (Settling)
        {
            return NotReady();
        }

        var sources = ReplicasOf(handle);
        if (sources.Count == 0)
        {
            return new MasterResponse { Code = GfsErrorCode.Unavailable, Message = $"No live chunkserver holds chunk {handle}, which a snapshot shares and must be copied before writing." };
        }

        var copied = await ProposeAsync(new MasterCommand { Op = MasterOp.CopyOnWrite, Path = path, ChunkIndex = index, Handle = handle }, cancellationToken);
        if (copied.Code != GfsErrorCode.None)
        {
            return new MasterResponse { Code = copied.Code, Message = copied.Message };
        }

        if (copied.Created)
        {
            lock (_gate)
            {
                _versionBumpedAt[copied.Handle] = _time.GetTimestamp();
            }

            // §3.4: each chunkserver holding the chunk copies it locally (no data crosses the network).
            var answers = await Task.WhenAll(sources.Select(s => CommandAsync(s, new ChunkCommand { Kind = ChunkCommandKind.CopyLocal, Handle = handle, NewHandle = copied.Handle, Version = copied.Version }, cancellationToken)));
            lock (_gate)
            {
                var set = LocationsOf(copied.Handle);
                foreach (var (source, i) in sources.Select((s, i) => (s, i)))
                {
                    if (answers[i].Code == GfsErrorCode.None)
                    {
                        set.Add(source);
                        _lengths[copied.Handle] = Math.Max(_lengths.GetValueOrDefault(copied.Handle), answers[i].Length);
                    }
                }
            }

            Log.ChunkCopiedOnWrite(_logger, handle, copied.Handle, path);
        }

        return new MasterResponse { Chunks = [new ChunkLocation { Index = index, Handle = copied.Handle, Version = copied.Version }] };
    }

    private async Task PlaceNewChunkAsync(ulong handle, ulong version, CancellationToken cancellationToken)
    {
        var targets = ChooseServers(_options.ReplicationFactor, []);
        lock (_gate)
        {
            // Heartbeats sent before the replicas exist must not be read as "gone".
            _versionBumpedAt[handle] = _time.GetTimestamp();
        }

        var answers = await Task.WhenAll(targets.Select(t => CommandAsync(t, new ChunkCommand { Kind = ChunkCommandKind.Create, Handle = handle, Version = version }, cancellationToken)));
        lock (_gate)
        {
            var set = LocationsOf(handle);
            for (var i = 0; i < targets.Count; i++)
            {
                if (answers[i].Code == GfsErrorCode.None)
                {
                    set.Add(targets[i]);
                }
            }
        }
    }

    /// <summary>Takes the lease on <paramref name="handle"/> back from its primary, or waits until it runs out.</summary>
    private async Task RevokeLeaseAsync(ulong handle, CancellationToken cancellationToken)
    {
        LeaseState? lease;
        lock (_gate)
        {
            _leases.Remove(handle, out lease);
        }

        if (lease is null || _time.GetTimestamp() >= lease.Expires)
        {
            return;
        }

        var answer = await CommandAsync(lease.Primary, new ChunkCommand { Kind = ChunkCommandKind.RevokeLease, Handle = handle, Version = lease.Version }, cancellationToken);
        if (answer.Code == GfsErrorCode.None)
        {
            return;
        }

        // The primary did not answer: it may still act on the lease until it runs out.
        var remaining = _time.GetElapsedTime(_time.GetTimestamp(), lease.Expires);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, _time, cancellationToken);
        }
    }

    /// <summary>
    /// Sends a command stamped with this master's epoch, which chunkservers check to refuse a deposed master; nothing is sent
    /// once the node no longer acts as master.
    /// </summary>
    private async Task<ChunkResponse> CommandAsync(NodeId server, ChunkCommand command, CancellationToken cancellationToken)
    {
        if (!IsActing(out var epoch))
        {
            return ChunkResponse.Fail(GfsErrorCode.NotLeader, $"Master node {Node.Id} no longer acts as master; {command.Kind} of chunk {command.Handle} not sent.");
        }

        try
        {
            var timeout = command.Kind == ChunkCommandKind.CloneFrom ? _options.ChunkserverRpcTimeout * 6 : _options.ChunkserverRpcTimeout;
            var answer = await _bus.RequestAsync<ChunkResponse>(server, command with { Epoch = epoch }, timeout, cancellationToken);
            if (answer.Code == GfsErrorCode.StaleMaster)
            {
                Log.CommandRefusedAsStale(_logger, Node.Id, server, command.Kind, epoch);
            }

            return answer;
        }
        catch (Exception exception) when (exception is RpcTimeoutException or RemoteRpcException or RpcOverloadException or UnknownPeerException)
        {
            return ChunkResponse.Fail(GfsErrorCode.Unavailable, $"Chunkserver {server} did not answer: {exception.Message}");
        }
    }

    /// <summary>
    /// Up to <paramref name="count"/> live chunkservers not in <paramref name="exclude"/>: racks not used yet first (§4.2:
    /// replicas spread across racks survive a rack's loss), then the least utilised, then the fewest recent placements
    /// (so a fresh, empty server is not flooded with new chunks and their write traffic).
    /// </summary>
    private List<NodeId> ChooseServers(int count, IReadOnlyCollection<NodeId> exclude)
    {
        lock (_gate)
        {
            var usedRacks = new HashSet<string>(exclude.Where(_servers.ContainsKey).Select(e => _servers[e].Rack), StringComparer.Ordinal);
            var chosen = new List<NodeId>();
            var candidates = _servers.Values.Where(s => !exclude.Contains(s.Id) && IsLive(s.Id)).ToList();
            while (chosen.Count < count && candidates.Count > 0)
            {
                var best = candidates
                    .OrderBy(s => usedRacks.Contains(s.Rack) ? 1 : 0)
                    .ThenBy(s => Math.Round(s.Utilization, 2))
                    .ThenBy(s => s.RecentPlacements)
                    .ThenBy(s => s.Id.Value)
                    .First();
                chosen.Add(best.Id);
                candidates.Remove(best);
                usedRacks.Add(best.Rack);
                best.RecentPlacements++;
            }

            return chosen;
        }
    }

    private List<NodeId> ReplicasOf(ulong handle)
    {
        lock (_gate)
        {
            return _locations.TryGetValue(handle, out var set) ? [.. set.Where(IsLive).OrderBy(n => n.Value)] : [];
        }
    }

    private HashSet<NodeId> LocationsOf(ulong handle)
    {
        if (!_locations.TryGetValue(handle, out var set))
        {
            set = [];
            _locations[handle] = set;
        }

        return set;
    }

    private bool IsLive(NodeId server) =>
        _servers.TryGetValue(server, out var state) && _time.GetElapsedTime(state.LastSeen) < _options.ChunkserverTimeout;

    private ChunkLocation Locate(int index, ChunkVersion chunk) => new()
    {
        Index = index,
        Handle = chunk.Handle,
        Version = chunk.Version,
        Replicas = _locations.TryGetValue(chunk.Handle, out var set) ? [.. set.Where(IsLive).Select(n => n.Value).Order()] : [],
        Length = _lengths.GetValueOrDefault(chunk.Handle),
    };

    private ChunkLocation LocateWithLease(int index, ulong handle, ulong version, LeaseState lease) => Locate(index, new ChunkVersion(handle, version)) with
    {
        Replicas = [.. lease.Replicas.Select(r => r.Value)],
        Primary = lease.Primary.Value,
        LeaseRemaining = _time.GetElapsedTime(_time.GetTimestamp(), lease.Expires),
    };

    private AsyncLock ChunkGate(ulong handle)
    {
        lock (_gate)
        {
            if (!_chunkGates.TryGetValue(handle, out var gate))
            {
                gate = new AsyncLock();
                _chunkGates[handle] = gate;
            }

            return gate;
        }
    }

    private static MasterResponse NotReady() =>
        new() { Code = GfsErrorCode.NotReady, Message = "The master took over recently and is still learning chunk locations and leases; retry shortly." };
}
