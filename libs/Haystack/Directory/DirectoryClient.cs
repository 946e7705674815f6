using Cluster.Core;
using Raft.Core;

namespace Haystack;

/// <summary>
/// Talks to the Directory's nodes for Stores and Haystack clients: heartbeats, upload assignments, read locations and failure
/// reports. Commands go through a <see cref="RaftClient"/> session, so one retried across a leader change applies exactly once
/// (an upload never gets two keys, a heartbeat never counts twice); queries are linearizable reads.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class DirectoryClient : IAsyncDisposable
{
    private readonly RaftClient _raft;

    /// <summary>Creates a client of the Directory nodes <paramref name="directoryNodes"/>.</summary>
    /// <param name="bus">The caller's bus; its registry must hold <see cref="RaftMessageTypes"/>.</param>
    /// <param name="directoryNodes">The Directory's Raft nodes.</param>
    /// <param name="time">The clock for timeouts and retries.</param>
    /// <param name="options">Timeouts and retry pacing; defaults when null.</param>
    public DirectoryClient(MessageBus bus, IEnumerable<NodeId> directoryNodes, TimeProvider time, RaftClientOptions? options = null)
    {
        _raft = new RaftClient(bus, directoryNodes, time, options);
    }

    /// <summary>Sends a Store's heartbeat (registering the Store if it is new) and returns what the Store should do.</summary>
    public Task<HeartbeatResult> HeartbeatAsync(StoreReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        return ExecuteAsync<HeartbeatResult>(new HeartbeatCommand { Report = report }, cancellationToken);
    }

    /// <summary>Asks for a write-enabled logical volume and a fresh photo key for an upload of <paramref name="dataBytes"/>.</summary>
    /// <returns>The assignment; its <see cref="UploadAssignment.VolumeId"/> is 0 when no volume can take the upload now.</returns>
    public Task<UploadAssignment> AssignUploadAsync(long dataBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataBytes);
        return ExecuteAsync<UploadAssignment>(new AssignUploadCommand { DataBytes = dataBytes }, cancellationToken);
    }

    /// <summary>Reports a failed replica; the Directory makes its logical volume read-only and, as the failure says, the replica unhealthy.</summary>
    /// <returns>Whether the Directory knows the volume and <paramref name="store"/> holds one of its replicas (other reports are ignored).</returns>
    public Task<bool> ReportFailureAsync(uint volumeId, NodeId store, ReplicaFailure failure, CancellationToken cancellationToken = default) =>
        ExecuteAsync<bool>(new ReportFailureCommand { VolumeId = volumeId, Store = store, Failure = failure }, cancellationToken);

    /// <summary>Tells the Directory that <paramref name="store"/> finished rebuilding its replica of <paramref name="volumeId"/> from <paramref name="source"/>.</summary>
    /// <returns>Whether the Directory took it (false when the repair had been reassigned meanwhile; the Store then runs it again).</returns>
    public Task<bool> CompleteRepairAsync(uint volumeId, NodeId store, NodeId source, CancellationToken cancellationToken = default) =>
        ExecuteAsync<bool>(new CompleteRepairCommand { VolumeId = volumeId, Store = store, Source = source }, cancellationToken);

    /// <summary>
    /// Asks the Directory to keep a delete for the replicas on <paramref name="stores"/>, which did not confirm it, and replay
    /// it to them; call it only once every other replica confirmed the delete.
    /// </summary>
    /// <returns>Whether the Directory kept it for all of them (false: unknown volume, a Store without a replica, or too many pending).</returns>
    public Task<bool> RecordPendingDeleteAsync(uint volumeId, ulong key, uint alternateKey, ulong cookie, IReadOnlyList<NodeId> stores, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stores);
        return ExecuteAsync<bool>(new RecordPendingDeleteCommand { VolumeId = volumeId, Key = key, AlternateKey = alternateKey, Cookie = cookie, Stores = stores }, cancellationToken);
    }

    /// <summary>Where to read photo <paramref name="key"/> of logical volume <paramref name="volumeId"/>, or null for an unknown volume.</summary>
    public Task<VolumeLocation?> LocateAsync(uint volumeId, ulong key, CancellationToken cancellationToken = default) =>
        QueryAsync<VolumeLocation?>(new LocateQuery { VolumeId = volumeId, Key = key }, cancellationToken);

    /// <summary>Every logical volume.</summary>
    public Task<IReadOnlyList<LogicalVolumeInfo>> ListVolumesAsync(CancellationToken cancellationToken = default) =>
        QueryAsync<IReadOnlyList<LogicalVolumeInfo>>(new ListVolumesQuery(), cancellationToken);

    /// <summary>Every registered Store machine.</summary>
    public Task<IReadOnlyList<StoreInfo>> ListStoresAsync(CancellationToken cancellationToken = default) =>
        QueryAsync<IReadOnlyList<StoreInfo>>(new ListStoresQuery(), cancellationToken);

    /// <summary>Closes the session.</summary>
    public ValueTask DisposeAsync() => _raft.DisposeAsync();

    private async Task<T> ExecuteAsync<T>(DirectoryCommand command, CancellationToken cancellationToken)
    {
        var result = await _raft.ExecuteAsync(DirectorySerializer.Serialize(command), cancellationToken);
        return Decode<T>(result);
    }

    private async Task<T> QueryAsync<T>(DirectoryQuery query, CancellationToken cancellationToken)
    {
        var result = await _raft.ReadAsync(DirectorySerializer.Serialize(query), cancellationToken);
        return Decode<T>(result);
    }

    private static T Decode<T>(ReadOnlyMemory<byte> result) =>
        result.IsEmpty
            ? throw new InvalidOperationException("The Directory could not decode the request; client and Directory versions may differ.")
            : DirectorySerializer.Deserialize<T>(result);
}
