using Cluster.Core;
using Raft.Core;

namespace Gfs;

public sealed partial class MasterServer
{
    private async ValueTask<HeartbeatReply> HandleHeartbeatAsync(NodeId from, ChunkserverHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        var status = Node.Status;
        if (!status.IsLeader)
        {
            return new HeartbeatReply { Code = GfsErrorCode.NotLeader, Leader = status.Leader.Value };
        }

        if (!IsActing(out _))
        {
            // Leading the group but not (yet, or no longer) the master: the chunkserver asks again at its next heartbeat.
            return new HeartbeatReply { Code = GfsErrorCode.NotReady, Leader = status.Id.Value };
        }

        var received = _time.GetTimestamp();
        try
        {
            // A barrier: every chunk this master has created or named in the log is applied here before orphans are judged.
            await Node.ReadAsync(ReadOnlyMemory<byte>.Empty, cancellationToken);
        }
        catch (Exception exception) when (exception is NotLeaderException or ObjectDisposedException or RaftNodeFaultedException or StateMachineFaultedException or InvalidOperationException)
        {
            return new HeartbeatReply { Code = GfsErrorCode.NotLeader, Leader = Node.Status.Leader.Value };
        }

        var delete = new List<ulong>();
        var extended = new List<ChunkVersion>();
        var revoked = new List<ChunkVersion>();
        var settling = Settling;
        var bumpGrace = (long)((_options.ChunkserverRpcTimeout.TotalSeconds * 2) * _time.TimestampFrequency);
        if (!IsActing(out var epoch))
        {
            return new HeartbeatReply { Code = GfsErrorCode.NotReady, Leader = Node.Id.Value };
        }

        lock (_gate)
        {

            if (!_servers.TryGetValue(from, out var server))
            {
                server = new ChunkserverState(from);
                _servers[from] = server;
                Log.ChunkserverJoined(_logger, from, heartbeat.Rack);
            }

            server.Rack = heartbeat.Rack;
            server.CapacityBytes = heartbeat.CapacityBytes;
            server.UsedBytes = heartbeat.UsedBytes;
            server.LastGap = server.LastSeen == 0 ? 0 : received - server.LastSeen;
            server.LastSeen = received;
            server.RecentPlacements = 0;

            if (_pendingDeletes.Remove(from, out var moved))
            {
                // Replicas moved away by rebalancing: no longer locations, now garbage on this server.
                delete.AddRange(moved);
            }

            foreach (var report in heartbeat.Chunks)
            {
                if ((moved is not null && moved.Contains(report.Handle)) || _cloning.Contains(report.Handle))
                {
                    // Moved away, or a copy in progress (written at version 0 until complete): not judged now.
                    continue;
                }

                if (!StateMachine.TryGetChunk(report.Handle, out var version, out _))
                {
                    // §4.4: a replica of no file (deleted and reclaimed, or a failed creation) is garbage.
                    if (!settling)
                    {
                        delete.Add(report.Handle);
                    }

                    RemoveLocation(report.Handle, from);
                    continue;
                }

                if (report.Corrupt)
                {
                    RemoveLocation(report.Handle, from);
                    delete.Add(report.Handle);
                    continue;
                }

                if (report.Version == version)
                {
                    LocationsOf(report.Handle).Add(from);
                    _lengths[report.Handle] = Math.Max(_lengths.GetValueOrDefault(report.Handle), report.Length);
                    continue;
                }

                var recentlyBumped = _versionBumpedAt.TryGetValue(report.Handle, out var bumpedAt) && received - bumpedAt < bumpGrace;
                if (report.Version < version && recentlyBumped)
                {
                    // The report may have left before the replica heard of the bump (or, for a clone, before the copy was
                    // complete). Judged by a later heartbeat: dropping the location here would also drop a lease just granted.
                    continue;
                }

                RemoveLocation(report.Handle, from);
                if (report.Version + 1 == version && StateMachine.IsGrantPending(report.Handle, version))
                {
                    // One bump behind a version no lease was granted at (its master failed before telling the replicas, or
                    // could not reach this one): no mutation has happened since, so the replica is current data and is raised
                    // to the version rather than deleted.
                    if (!settling)
                    {
                        RollForwardSet(report.Handle).Add(from);
                    }
                }
                else if (report.Version < version && !settling && !_cloning.Contains(report.Handle))
                {
                    // §4.5: the replica missed a version bump while it was down; it is stale and never handed out.
                    Log.StaleReplica(_logger, report.Handle, from, report.Version, version);
                    delete.Add(report.Handle);
                }
                else if (report.Version > version)
                {
                    Log.ReplicaAhead(_logger, report.Handle, from, report.Version, version);
                }
            }

            // The report is the whole truth about this server (§4.5: the master does not persist locations): a replica it no
            // longer lists is gone, unless a version bump or a copy may have overtaken the report.
            var listed = heartbeat.Chunks.Select(c => c.Handle).ToHashSet();
            foreach (var (handle, servers) in _locations)
            {
                if (servers.Contains(from) && !listed.Contains(handle) && !_cloning.Contains(handle)
                    && !(_versionBumpedAt.TryGetValue(handle, out var bumped) && received - bumped < bumpGrace))
                {
                    RemoveLocation(handle, from);
                }
            }

            var leaseEnd = received + (long)(_options.LeaseDuration.TotalSeconds * _time.TimestampFrequency);
            foreach (var claim in heartbeat.Leases)
            {
                var currentVersion = StateMachine.TryGetChunk(claim.Handle, out var v, out _) ? v : 0;
                if (_leases.TryGetValue(claim.Handle, out var lease))
                {
                    if (lease.Primary == from && lease.Version == claim.Version && claim.Version == currentVersion)
                    {
                        lease.Expires = Math.Max(lease.Expires, leaseEnd);
                        extended.Add(claim);
                    }
                    else
                    {
                        revoked.Add(claim);
                    }
                }
                else
                {
                    revoked.Add(claim);
                }
            }
        }

        return new HeartbeatReply { Delete = delete, Extended = extended, Revoked = revoked, LeaseDuration = _options.LeaseDuration, Epoch = epoch };
    }

    private HashSet<NodeId> RollForwardSet(ulong handle)
    {
        if (!_rollForward.TryGetValue(handle, out var set))
        {
            set = [];
            _rollForward[handle] = set;
        }

        return set;
    }

    private void RemoveLocation(ulong handle, NodeId server)
    {
        if (_locations.TryGetValue(handle, out var set))
        {
            set.Remove(server);
        }

        if (_leases.TryGetValue(handle, out var lease) && lease.Primary == server)
        {
            _leases.Remove(handle);
        }
    }
}
