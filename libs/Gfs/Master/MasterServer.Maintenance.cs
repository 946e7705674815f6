using Cluster.Core;
using Raft.Core;

namespace Gfs;

public sealed partial class MasterServer
{
    /// <summary>One round of the leading master's background work: dead chunkservers, re-replication, garbage collection.</summary>
    private async Task MaintainAsync()
    {
        if (Volatile.Read(ref _disposed) != 0 || !IsActing(out _) || Settling || Interlocked.Exchange(ref _maintaining, 1) != 0)
        {
            return;
        }

        try
        {
            ForgetDeadChunkservers();
            await RollForwardAsync();
            if (!StartReReplication())
            {
                StartRebalancing();
            }

            RemoveSurplusReplicas();
            await CollectGarbageAsync();
        }
        catch (Exception exception) when (exception is NotLeaderException or ProposalOutcomeUnknownException or ProposalRejectedException or ObjectDisposedException or RaftNodeFaultedException or StateMachineFaultedException or InvalidOperationException)
        {
            // The next round (or the next leader) tries again.
        }
        finally
        {
            Volatile.Write(ref _maintaining, 0);
        }
    }

    private void ForgetDeadChunkservers()
    {
        lock (_gate)
        {
            foreach (var server in _servers.Values.Where(s => !IsLive(s.Id)).ToList())
            {
                _servers.Remove(server.Id);
                foreach (var (handle, set) in _locations)
                {
                    if (set.Remove(server.Id) && _leases.TryGetValue(handle, out var lease) && lease.Primary == server.Id)
                    {
                        _leases.Remove(handle);
                    }
                }

                Log.ChunkserverDead(_logger, server.Id, _options.ChunkserverTimeout);
            }

            var now = _time.GetTimestamp();
            foreach (var handle in _leases.Where(l => l.Value.Expires <= now).Select(l => l.Key).ToList())
            {
                _leases.Remove(handle);
            }
        }
    }

    /// <summary>
    /// §4.3: chunks below the replication factor are cloned, fewest replicas first and chunks a client is waiting for ahead of
    /// the rest, at most <see cref="MasterOptions.MaxConcurrentClones"/> at a time.
    /// </summary>
    /// <returns>Whether any chunk is below the replication factor (rebalancing waits until none is).</returns>
    private bool StartReReplication()
    {
        var chunks = StateMachine.AllChunks();
        List<(ChunkVersion Chunk, int Replicas, bool Blocked)> needy;
        lock (_gate)
        {
            needy = [.. chunks
                .Select(c => (Chunk: c, Replicas: _locations.TryGetValue(c.Handle, out var set) ? set.Count(IsLive) : 0, Blocked: _blocked.Contains(c.Handle)))
                .Where(c => c.Replicas < _options.ReplicationFactor && !_cloning.Contains(c.Chunk.Handle))
                .OrderBy(c => c.Replicas)
                .ThenBy(c => c.Blocked ? 0 : 1)
                .ThenBy(c => c.Chunk.Handle)];
        }

        foreach (var (chunk, replicas, _) in needy)
        {
            if (replicas == 0)
            {
                // Version 1 chunks were never written; the next write places them afresh. Replicas one unused bump behind are
                // raised by RollForwardAsync, so such a chunk is not lost either.
                lock (_gate)
                {
                    if (chunk.Version > 1 && !_rollForward.ContainsKey(chunk.Handle) && _reportedLost.Add(chunk.Handle))
                    {
                        Log.ChunkLost(_logger, chunk.Handle, chunk.Version);
                    }
                }

                continue;
            }

            lock (_gate)
            {
                if (_cloning.Count >= _options.MaxConcurrentClones)
                {
                    return true;
                }

                _cloning.Add(chunk.Handle);
            }

            _ = CloneAsync(chunk, target: null, moveFrom: null);
        }

        return needy.Any(c => c.Replicas > 0);
    }

    /// <summary>
    /// §4.3: moves one replica from the most utilised chunkserver, if it is more than <see cref="MasterOptions.RebalanceThreshold"/>
    /// above the mean, to the least utilised one that lacks the chunk; the moved-from replica is deleted by its next heartbeat
    /// only once the copy is current, so the chunk never drops below the replication factor.
    /// </summary>
    private void StartRebalancing()
    {
        NodeId from;
        NodeId to;
        ChunkVersion chunk;
        lock (_gate)
        {
            if (_cloning.Count > 0)
            {
                return;
            }

            var live = _servers.Values.Where(s => IsLive(s.Id) && s.CapacityBytes > 0).ToList();
            if (live.Count < 2)
            {
                return;
            }

            var mean = live.Average(s => s.Utilization);
            var fullest = live.OrderByDescending(s => s.Utilization).ThenBy(s => s.Id.Value).First();
            if (fullest.Utilization - mean <= _options.RebalanceThreshold)
            {
                return;
            }

            var candidates = _locations
                .Where(l => l.Value.Contains(fullest.Id) && !_leases.ContainsKey(l.Key))
                .Select(l => l.Key)
                .Order()
                .ToList();
            foreach (var handle in candidates)
            {
                var holders = _locations[handle];
                var target = live.Where(s => !holders.Contains(s.Id) && !IsDeletePending(s.Id, handle) && s.Utilization < mean).OrderBy(s => s.Utilization).ThenBy(s => s.Id.Value).FirstOrDefault();
                if (target is null || !StateMachine.TryGetChunk(handle, out var version, out _))
                {
                    continue;
                }

                (from, to, chunk) = (fullest.Id, target.Id, new ChunkVersion(handle, version));
                _cloning.Add(handle);
                _ = CloneAsync(chunk, to, from);
                return;
            }
        }
    }

    private async Task CloneAsync(ChunkVersion chunk, NodeId? target, NodeId? moveFrom)
    {
        try
        {
            var gate = ChunkGate(chunk.Handle);
            await gate.WaitAsync();
            try
            {
                // A primary mutating the chunk while it is copied would leave the copy behind; take the lease back first (the
                // primary finishes the mutation in flight before it answers). The next write gets a new lease and version.
                await RevokeLeaseAsync(chunk.Handle, CancellationToken.None);
                if (!StateMachine.TryGetChunk(chunk.Handle, out var version, out _) || version != chunk.Version)
                {
                    return;
                }

                var sources = ReplicasOf(chunk.Handle);

                // A server whose replica was just given up (surplus or moved) still holds it until its next heartbeat deletes it:
                // a copy there would succeed at once and then vanish, so it is no target.
                var targets = target is { } chosen
                    ? (sources.Contains(chosen) || IsDeletePending(chosen, chunk.Handle) ? [] : [chosen])
                    : ChooseServers(1, [.. sources, .. ServersDeleting(chunk.Handle)]);
                if (sources.Count == 0 || targets.Count == 0)
                {
                    return;
                }

                var answer = await CommandAsync(targets[0], new ChunkCommand { Kind = ChunkCommandKind.CloneFrom, Handle = chunk.Handle, Version = version, Source = sources[0].Value }, CancellationToken.None);
                if (answer.Code != GfsErrorCode.None)
                {
                    Log.CloneFailed(_logger, chunk.Handle, targets[0], sources[0], answer.Message);
                    return;
                }

                lock (_gate)
                {
                    if (StateMachine.TryGetChunk(chunk.Handle, out var now, out _) && now == version)
                    {
                        var locations = LocationsOf(chunk.Handle);
                        locations.Add(targets[0]);
                        _blocked.Remove(chunk.Handle);
                        if (moveFrom is { } old && locations.Count > _options.ReplicationFactor && locations.Remove(old))
                        {
                            if (!_pendingDeletes.TryGetValue(old, out var pending))
                            {
                                pending = [];
                                _pendingDeletes[old] = pending;
                            }

                            pending.Add(chunk.Handle);
                            Log.ReplicaMoved(_logger, chunk.Handle, old, targets[0]);
                        }
                    }

                    // A heartbeat the target sent mid-copy (version 0) may still be on its way.
                    _versionBumpedAt[chunk.Handle] = _time.GetTimestamp();
                }

                Log.ChunkReReplicated(_logger, chunk.Handle, sources[0], targets[0]);
            }
            finally
            {
                gate.Release();
            }
        }
        finally
        {
            lock (_gate)
            {
                _cloning.Remove(chunk.Handle);
            }
        }
    }

    /// <summary>
    /// Raises replicas that are one version behind a bump no lease was granted at (see <see cref="ChunkRecord.GrantPending"/>)
    /// to the current version, under the chunk's gate so no lease decision runs meanwhile.
    /// </summary>
    private async Task RollForwardAsync()
    {
        List<(ulong Handle, NodeId[] Servers)> work;
        lock (_gate)
        {
            work = [.. _rollForward.Select(r => (r.Key, r.Value.ToArray())).OrderBy(r => r.Key)];
            _rollForward.Clear();
        }

        foreach (var (handle, servers) in work)
        {
            var gate = ChunkGate(handle);
            await gate.WaitAsync();
            try
            {
                if (!StateMachine.TryGetChunk(handle, out var version, out _) || !StateMachine.IsGrantPending(handle, version))
                {
                    continue;
                }

                foreach (var server in servers)
                {
                    bool live;
                    lock (_gate)
                    {
                        live = IsLive(server);
                    }

                    if (!live)
                    {
                        continue;
                    }

                    var answer = await CommandAsync(server, new ChunkCommand { Kind = ChunkCommandKind.SetVersion, Handle = handle, Version = version }, CancellationToken.None);
                    if (answer.Code != GfsErrorCode.None)
                    {
                        continue;
                    }

                    lock (_gate)
                    {
                        LocationsOf(handle).Add(server);
                        _lengths[handle] = Math.Max(_lengths.GetValueOrDefault(handle), answer.Length);
                        _versionBumpedAt[handle] = _time.GetTimestamp();
                    }

                    Log.ReplicaRolledForward(_logger, handle, server, version);
                }
            }
            finally
            {
                gate.Release();
            }
        }
    }

    /// <summary>
    /// Chunks with more current replicas than the replication factor (a chunkserver came back after its chunks were
    /// re-replicated) lose the surplus: from the fullest chunkservers first, but never a rack's only replica while another rack
    /// holds two, and never below the factor. Chunks under a lease or being copied are left alone until that ends. The replica
    /// leaves the locations now and is deleted by its server's next heartbeat.
    /// </summary>
    private void RemoveSurplusReplicas()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            foreach (var (handle, locations) in _locations.OrderBy(l => l.Key))
            {
                // A holder that has missed heartbeats may be dying: removing a healthy replica while keeping it could leave the
                // chunk below the factor, so a chunk with a silent holder waits until that server answers or is counted dead.
                var live = locations.Where(IsLive).ToList();
                if (live.Count <= _options.ReplicationFactor || live.Exists(IsSilent) || _cloning.Contains(handle)
                    || (_leases.TryGetValue(handle, out var lease) && lease.Expires > now)
                    || (_versionBumpedAt.TryGetValue(handle, out var bumped) && _time.GetElapsedTime(bumped) < _options.ChunkserverRpcTimeout * 2))
                {
                    continue;
                }

                foreach (var surplus in ChooseSurplus(live, live.Count - _options.ReplicationFactor))
                {
                    locations.Remove(surplus);
                    if (!_pendingDeletes.TryGetValue(surplus, out var pending))
                    {
                        pending = [];
                        _pendingDeletes[surplus] = pending;
                    }

                    pending.Add(handle);
                    Log.SurplusReplicaRemoved(_logger, handle, surplus, live.Count);
                }
            }
        }
    }

    /// <summary>
    /// Which <paramref name="count"/> of <paramref name="holders"/> to remove: first from racks holding more than one replica
    /// (so every rack keeps a copy as long as possible), the most utilised chunkserver first, ties by the higher id.
    /// </summary>
    private List<NodeId> ChooseSurplus(List<NodeId> holders, int count)
    {
        var remaining = holders.ToList();
        var chosen = new List<NodeId>();
        while (chosen.Count < count)
        {
            var perRack = remaining.GroupBy(RackOf).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var pick = remaining
                .OrderBy(h => perRack[RackOf(h)] > 1 ? 0 : 1)
                .ThenByDescending(h => Math.Round(_servers[h].Utilization, 4))
                .ThenByDescending(h => h.Value)
                .First();
            chosen.Add(pick);
            remaining.Remove(pick);
        }

        return chosen;
    }

    private bool IsDeletePending(NodeId server, ulong handle)
    {
        lock (_gate)
        {
            return _pendingDeletes.TryGetValue(server, out var pending) && pending.Contains(handle);
        }
    }

    private List<NodeId> ServersDeleting(ulong handle)
    {
        lock (_gate)
        {
            return [.. _pendingDeletes.Where(p => p.Value.Contains(handle)).Select(p => p.Key)];
        }
    }

    private string RackOf(NodeId server) => _servers.TryGetValue(server, out var state) ? state.Rack : "";

    /// <summary>§4.4: deleted files older than <see cref="MasterOptions.TrashDelay"/> are reclaimed; their chunks become orphans that heartbeats delete.</summary>
    private async Task CollectGarbageAsync()
    {
        var before = _time.GetUtcNow() - _options.TrashDelay;
        if (StateMachine.OldestTrashTicks() is { } oldest && oldest <= before.UtcTicks)
        {
            var result = await ProposeAsync(new MasterCommand { Op = MasterOp.ReclaimTrash, BeforeTicks = before.UtcTicks }, CancellationToken.None);
            if (result.Count > 0)
            {
                Log.TrashReclaimed(_logger, result.Count);
            }
        }
    }
}
