using Cluster.Core;
using MessagePack;
using Raft.Core;

namespace Haystack;

/// <summary>
/// The Haystack Directory as a Raft-replicated state machine (OSDI'10 §3.3): logical volumes mapped to physical volumes on
/// several Store machines, the Stores with their space and health, upload assignment and read locations. Host it with a
/// <see cref="RaftNode"/>, or let <see cref="DirectoryServer"/> do that.
/// </summary>
/// <remarks>
/// Every decision (which volume takes an upload, which key it gets, where a new volume goes, when a volume turns read-only) is
/// made while applying a committed command, from the state and the command alone, so all Directory nodes decide alike and a
/// new leader continues exactly where the old one stopped. Commands that fail to decode are answered with an empty result
/// instead of stopping the node: a hostile client must not be able to halt the Directory. Thread-safe.
/// </remarks>
public sealed class DirectoryStateMachine : IStateMachine
{
    private readonly DirectoryOptions _options;
    private readonly Lock _gate = new();
    private DirectoryState _state = new();

    /// <summary>Creates an empty Directory.</summary>
    public DirectoryStateMachine(DirectoryOptions? options = null)
    {
        _options = options ?? new DirectoryOptions();
        _options.Validate();
    }

    /// <summary>The settings.</summary>
    public DirectoryOptions Options => _options;

    /// <summary>Raised on the apply loop after a Store's heartbeat is applied, with the Store and the entry's log index.</summary>
    internal event Action<NodeId, ulong>? HeartbeatApplied;

    /// <summary>The volumes as this replica has applied them so far (not linearizable; ask through a client for that).</summary>
    public IReadOnlyList<LogicalVolumeInfo> Volumes
    {
        get
        {
            lock (_gate)
            {
                return _state.ListVolumes();
            }
        }
    }

    /// <summary>The Stores as this replica has applied them so far (not linearizable).</summary>
    public IReadOnlyList<StoreInfo> Stores
    {
        get
        {
            lock (_gate)
            {
                return _state.ListStores();
            }
        }
    }

    /// <summary>The next photo key this replica would assign (a fingerprint of its decisions for consistency checks).</summary>
    public ulong NextKey
    {
        get
        {
            lock (_gate)
            {
                return _state.NextKey;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<ReadOnlyMemory<byte>> ApplyAsync(ulong index, ReadOnlyMemory<byte> command, CancellationToken cancellationToken)
    {
        DirectoryCommand decoded;
        try
        {
            decoded = DirectorySerializer.Deserialize<DirectoryCommand>(command);
        }
        catch (MessagePackSerializationException)
        {
            return ValueTask.FromResult(ReadOnlyMemory<byte>.Empty);
        }

        byte[] result;
        NodeId heartbeatFrom = default;
        lock (_gate)
        {
            switch (decoded)
            {
                case { Heartbeat: { } heartbeat }:
                    result = DirectorySerializer.Serialize(_state.Heartbeat(index, heartbeat.Report, _options));
                    heartbeatFrom = heartbeat.Report.Store;
                    break;
                case { AssignUpload: { } assign }:
                    result = DirectorySerializer.Serialize(_state.AssignUpload(assign.DataBytes, _options));
                    break;
                case { ReportFailure: { } report }:
                    result = DirectorySerializer.Serialize(_state.ReportFailure(report.VolumeId, report.Store, report.Failure, _options));
                    break;
                case { MarkStoreDown: { } down }:
                    result = DirectorySerializer.Serialize(_state.MarkStoreDown(down.Store, down.LastHeartbeatIndex, _options));
                    break;
                case { CompleteRepair: { } repair }:
                    result = DirectorySerializer.Serialize(_state.CompleteRepair(repair.VolumeId, repair.Store, repair.Source, _options));
                    break;
                case { RecordPendingDelete: { } delete }:
                    result = DirectorySerializer.Serialize(_state.RecordPendingDelete(delete, _options));
                    break;
                default:
                    return ValueTask.FromResult(ReadOnlyMemory<byte>.Empty);
            }
        }

        if (!heartbeatFrom.IsNone)
        {
            HeartbeatApplied?.Invoke(heartbeatFrom, index);
        }

        return ValueTask.FromResult<ReadOnlyMemory<byte>>(result);
    }

    /// <inheritdoc />
    public ValueTask<ReadOnlyMemory<byte>> QueryAsync(ReadOnlyMemory<byte> query, CancellationToken cancellationToken)
    {
        DirectoryQuery decoded;
        try
        {
            decoded = DirectorySerializer.Deserialize<DirectoryQuery>(query);
        }
        catch (MessagePackSerializationException)
        {
            return ValueTask.FromResult(ReadOnlyMemory<byte>.Empty);
        }

        lock (_gate)
        {
            byte[] result = decoded switch
            {
                { Locate: { } locate } => DirectorySerializer.Serialize(_state.Locate(locate.VolumeId, locate.Key)),
                { ListVolumes: not null } => DirectorySerializer.Serialize(_state.ListVolumes()),
                { ListStores: not null } => DirectorySerializer.Serialize(_state.ListStores()),
                _ => [],
            };
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(result);
        }
    }

    /// <inheritdoc />
    public async ValueTask WriteSnapshotAsync(Stream destination, CancellationToken cancellationToken)
    {
        byte[] bytes;
        lock (_gate)
        {
            bytes = DirectorySerializer.Serialize(_state);
        }

        await destination.WriteAsync(bytes, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask RestoreSnapshotAsync(Stream source, CancellationToken cancellationToken)
    {
        var state = await MessagePackSerializer.DeserializeAsync<DirectoryState>(source, DirectorySerializer.Options, cancellationToken);
        lock (_gate)
        {
            _state = state;
        }
    }

    /// <summary>The Stores not marked down (alive or merely suspect), with the log index of their last applied heartbeat.</summary>
    internal IReadOnlyList<(NodeId Store, ulong LastHeartbeatIndex)> StoresNotDown()
    {
        lock (_gate)
        {
            return [.. _state.Stores.Values.Where(s => !s.Down).Select(s => (new NodeId(s.Id), s.LastHeartbeatIndex))];
        }
    }
}
