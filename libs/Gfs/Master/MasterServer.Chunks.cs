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
                    var unreachable = (new NodeId(request.Unreachable), request.UnreachableVersion);
                    return await LeaseChunkAsync(request.Path, request.ChunkIndex, handle, unreachable, cancellationToken);
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

    /// <summary>
    /// The chunk with a valid lease: the current one, or a new one after a logged version bump. <paramref name="unreachable"/>
    /// is a replica that a client found unreachable under the lease at that version: the lease is then replaced by one without it.
    /// </summary>
    private async Task<MasterResponse> LeaseChunkAsync(string path, int index, ulong handle, (NodeId Node, ulong Version) unreachable, CancellationToken cancellationToken)
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
                    return await LeaseChunkAsync(path, index, copied.Chunks[0].Handle, default, cancellationToken);
                }
                finally
                {
                    copyGate.Release();
                }
            }
        }

        // A client could not reach this replica under the current version. Waiting until its chunkserver is counted dead would
        // stall every writer of the chunk for that long; a new lease without it costs one version bump (and, if it was only the
        // client's network trouble, a re-replication).
        var suspect = !unreachable.Node.IsNone && unreachable.Version == version ? unreachable.Node : NodeId.None;
        LeaseState? replaced = null;
        lock (_gate)
        {
            if (_leases.TryGetValue(handle, out var lease) && lease.Version == version && _time.GetTimestamp() < lease.Expires)
            {
                var locations = LocationsOf(handle);
                if (!suspect.IsNone && lease.Replicas.Contains(suspect) && lease.Replicas.Count > 1)
                {
                    Log.LeaseReplicaUnreachable(_logger, handle, suspect, version);
                }
                else if (lease.Replicas.All(r => IsLive(r) && locations.Contains(r)))
                {
                    return new MasterResponse { Chunks = [LocateWithLease(index, handle, version, lease)], ChunkSize = _options.ChunkSize };
                }

                replaced = lease;
            }
        }

        // A replica of the lease is gone (or unreachable): mutations under this version would now skip it, and it could come
        // back looking current. End the lease; the new one below bumps the version past the lost replica. A primary that does
        // not answer is not waited for here: the bump fences it instead (see below).
        var unrevoked = replaced is null ? null : await TryRevokeLeaseAsync(handle, suspect, cancellationToken);

        if (Settling)
        {
            return NotReady();
        }

        var replicas = ReplicasOf(handle);
        if (!suspect.IsNone && replicas.Count > 1 && IsSilent(suspect))
        {
            // It has missed its heartbeats as well: leave it out rather than wait for its SetVersion to time out. A replica a
            // client merely blamed (a push chain reports the first hop that timed out, not always the dead one) is kept.
            replicas.Remove(suspect);
        }

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

        if (unrevoked is not null && !current2.Any(unrevoked.Replicas.Contains))
        {
            // An old primary that did not answer the revocation is fenced once any replica of its lease is at the new version:
            // a primary drops its lease when it accepts a version, and a secondary refuses the old version, so no mutation under
            // the old lease can succeed any more. None of them is here, so wait until its lease has run out instead (§3.1).
            await WaitOutAsync(unrevoked, cancellationToken);
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
        if (await TryRevokeLeaseAsync(handle, NodeId.None, cancellationToken) is { } unrevoked)
        {
            await WaitOutAsync(unrevoked, cancellationToken);
        }
    }

    /// <summary>
    /// Takes the lease on <paramref name="handle"/> back from its primary; returns the lease when its primary did not answer
    /// (and may still act on it until it runs out), null when there is no lease left to worry about. A primary the master
    /// counts as dead is not asked.
    /// </summary>
    private async Task<LeaseState?> TryRevokeLeaseAsync(ulong handle, NodeId suspect, CancellationToken cancellationToken)
    {
        LeaseState? lease;
        bool live;
        lock (_gate)
        {
            _leases.Remove(handle, out lease);
            live = lease is not null && IsLive(lease.Primary) && !(lease.Primary == suspect && IsSilent(suspect));
        }

        if (lease is null || _time.GetTimestamp() >= lease.Expires)
        {
            return null;
        }

        if (live)
        {
            var answer = await CommandAsync(lease.Primary, new ChunkCommand { Kind = ChunkCommandKind.RevokeLease, Handle = handle, Version = lease.Version }, cancellationToken);
            if (answer.Code == GfsErrorCode.None)
            {
                return null;
            }
        }

        return lease;
    }

    /// <summary>Waits until a lease whose primary could not be told has run out.</summary>
    private async Task WaitOutAsync(LeaseState lease, CancellationToken cancellationToken)
    {
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
            // A server that has missed its last heartbeats is not counted dead yet, but a copy or a new chunk sent to it would
            // hold the chunk up until the command times out.
            var candidates = _servers.Values.Where(s => !exclude.Contains(s.Id) && IsLive(s.Id) && !IsSilent(s.Id)).ToList();
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

    /// <summary>
    /// Whether the chunkserver has been silent for more than twice its usual heartbeat gap: long before it is counted dead
    /// (<see cref="MasterOptions.ChunkserverTimeout"/>), and enough to leave it out of a new lease a client found it missing from.
    /// </summary>
    private bool IsSilent(NodeId server)
    {
        lock (_gate)
        {
            return !_servers.TryGetValue(server, out var state)
                || (state.LastGap > 0 && _time.GetTimestamp() - state.LastSeen > (2 * state.LastGap) + (_time.TimestampFrequency / 20));
        }
    }

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
