using System.Globalization;
using Cluster.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Haystack;

/// <summary>
/// A Haystack Store machine (OSDI'10 §3.4): physical volumes on one storage, served over a message bus (write, read with the
/// cookie checked, delete), and reported to the Directory by heartbeats that also tell the Store which volumes to create.
/// </summary>
/// <remarks>
/// <para>A read that finds a corrupt needle answers <see cref="StoreStatus.Corrupt"/> without any of its bytes and reports the
/// replica to the Directory, which makes the logical volume read-only and sends later reads to other replicas.</para>
/// <para>Writes to a volume the Directory has made read-only are refused, so a replica never takes a write its peers missed.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed partial class StoreServer : IAsyncDisposable
{
    private readonly StoreServerOptions _options;
    private readonly IFileStorage _storage;
    private readonly MessageBus _bus;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly DirectoryClient _directory;
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, PhysicalVolume> _volumes = [];
    private readonly SemaphoreSlim _heartbeatGate = new(1, 1);
    private HashSet<uint> _readOnly = [];

    // The epoch of each volume as the Directory last said; a write with another epoch, or to a volume not heard of since
    // this Store started, is refused. Guarded by _gate.
    private Dictionary<uint, uint> _epochs = [];

    // Volumes whose reads this Store serves: those the Directory listed in an answer since this Store started, less any with a
    // delete it handed over that is not applied yet. A replica that missed deletes while down must not serve those photos
    // between its restart and its first heartbeat answer. Guarded by _gate.
    private HashSet<uint> _readable = [];
    private long _volumeBytes = DirectoryOptions.DefaultVolumeBytes;
    private ITimer? _heartbeat;
    private int _disposed;

    private StoreServer(StoreServerOptions options, IFileStorage storage, MessageBus bus, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _options = options;
        _storage = storage;
        _bus = bus;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<StoreServer>();
        _directory = new DirectoryClient(bus, options.DirectoryNodes, time, options.DirectoryClient);
    }

    /// <summary>This Store machine.</summary>
    public NodeId Id => _bus.LocalNode;

    /// <summary>The ids of the physical volumes it holds open.</summary>
    public IReadOnlyList<uint> VolumeIds
    {
        get
        {
            lock (_gate)
            {
                return [.. _volumes.Keys.Order()];
            }
        }
    }

    /// <summary>
    /// Opens the volumes found in <paramref name="storage"/> (recovering each), starts serving on <paramref name="bus"/> and
    /// sends a first heartbeat to the Directory.
    /// </summary>
    /// <param name="options">The settings; <see cref="StoreServerOptions.DirectoryNodes"/> is required.</param>
    /// <param name="storage">Where the volume files live.</param>
    /// <param name="bus">The bus; its registry must hold <see cref="HaystackMessageTypes.CreateRegistry"/>'s types.</param>
    /// <param name="time">The clock for heartbeats and timeouts.</param>
    /// <param name="loggerFactory">Where to log; none by default.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<StoreServer> StartAsync(StoreServerOptions options, IFileStorage storage, MessageBus bus, TimeProvider time, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        var server = new StoreServer(options, storage, bus, time, loggerFactory ?? NullLoggerFactory.Instance);
        foreach (var name in storage.List("volume-").Order(StringComparer.Ordinal))
        {
            if (name.EndsWith(".dat", StringComparison.Ordinal)
                && uint.TryParse(name.AsSpan("volume-".Length, name.Length - "volume-".Length - ".dat".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var volumeId))
            {
                try
                {
                    server._volumes[volumeId] = await PhysicalVolume.OpenAsync(storage, volumeId, server.OptionsFor(volumeId, options.CheckpointIntervalNeedles), server._loggerFactory, cancellationToken);
                }
                catch (CorruptDataException exception)
                {
                    // One damaged volume must not keep the Store's others offline. Left unreported, it counts as lost: the
                    // Directory turns it read-only and has it rebuilt here from a healthy replica.
                    Log.VolumeUnreadable(server._logger, exception, server.Id, volumeId);
                }
            }
        }

        bus.OnRequest<StoreWriteRequest, StoreResponse>(server.HandleWriteAsync);
        bus.OnRequest<StoreReadRequest, StoreResponse>(server.HandleReadAsync);
        bus.OnRequest<StoreDeleteRequest, StoreResponse>(server.HandleDeleteAsync);
        bus.OnRequest<StoreListRequest, StoreListResponse>(server.HandleListAsync);
        bus.OnRequest<StoreCopyRequest, StoreResponse>(server.HandleCopyAsync);
        server._heartbeat = time.CreateTimer(_ => _ = server.HeartbeatAsync(), null, TimeSpan.Zero, options.HeartbeatInterval);
        return server;
    }

    /// <summary>Stops heartbeating, closes the Directory session and closes every volume (writing final index checkpoints).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_heartbeat is not null)
        {
            await _heartbeat.DisposeAsync();
        }

        await _shutdown.CancelAsync();
        await StopRepairsAsync();
        await StopCompactionAsync();
        await _directory.DisposeAsync();
        List<PhysicalVolume> volumes;
        lock (_gate)
        {
            volumes = [.. _volumes.Values];
            _volumes.Clear();
        }

        foreach (var volume in volumes)
        {
            await volume.DisposeAsync();
        }
    }

    /// <summary>Reports to the Directory now and creates the volumes it assigns; returns once done (or the Directory did not answer).</summary>
    public async Task HeartbeatAsync(CancellationToken cancellationToken = default)
    {
        if (!await _heartbeatGate.WaitAsync(0, cancellationToken))
        {
            return;
        }

        try
        {
            // A heartbeat that created volumes is followed at once by another, so the Directory learns of them without waiting.
            var created = true;
            while (created && Volatile.Read(ref _disposed) == 0)
            {
                var report = Report();
                var result = await _directory.HeartbeatAsync(report, cancellationToken);
                ForgetConfirmedPendingDeletes(report.AppliedPendingDeletes);
                Interlocked.Exchange(ref _volumeBytes, result.VolumeBytes);
                lock (_gate)
                {
                    _readOnly = [.. result.ReadOnlyVolumes];
                    _epochs = new Dictionary<uint, uint>(result.VolumeEpochs);
                }

                await RetireVolumesAsync(result.VolumesToDelete);
                ApplyRepairOrders(result.Repairs, result.CopyGrants);
                await ApplyPendingDeletesAsync(result.PendingDeletes, cancellationToken);
                UpdateReadable(result);

                created = false;
                foreach (var volumeId in result.VolumesToCreate)
                {
                    created |= await CreateVolumeAsync(volumeId, result.VolumeBytes, cancellationToken);
                }
            }

            MaybeStartCompaction();
        }
        catch (Exception exception) when (exception is TimeoutException or InvalidOperationException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            Log.HeartbeatFailed(_logger, exception, Id);
        }
        finally
        {
            _heartbeatGate.Release();
        }
    }

    internal PhysicalVolume? Volume(uint volumeId)
    {
        lock (_gate)
        {
            return _volumes.GetValueOrDefault(volumeId);
        }
    }

    private StoreReport Report()
    {
        lock (_gate)
        {
            var volumes = _volumes.Values.Select(v => new VolumeReport { VolumeId = v.VolumeId, SizeBytes = v.SizeBytes, IsReadOnly = v.IsReadOnly, Epoch = _epochs.GetValueOrDefault(v.VolumeId) }).ToList();
            return new StoreReport
            {
                Store = Id,
                CapacityBytes = _options.CapacityBytes,
                FreeBytes = Math.Max(0, _options.CapacityBytes - (_volumes.Count * Interlocked.Read(ref _volumeBytes))),
                Volumes = volumes,
                AppliedPendingDeletes = [.. _appliedPendingDeletes],
            };
        }
    }

    private async Task<bool> CreateVolumeAsync(uint volumeId, long volumeBytes, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_volumes.ContainsKey(volumeId))
            {
                return false;
            }
        }

        var options = OptionsFor(volumeId, _options.CheckpointIntervalNeedles, volumeBytes);
        var volume = _storage.Exists(PhysicalVolume.DataFileName(volumeId))
            ? await PhysicalVolume.OpenAsync(_storage, volumeId, options, _loggerFactory, cancellationToken)
            : await PhysicalVolume.CreateAsync(_storage, volumeId, options, _loggerFactory, cancellationToken);
        lock (_gate)
        {
            _volumes[volumeId] = volume;
        }

        Log.VolumeCreated(_logger, Id, volumeId, volumeBytes);
        return true;
    }

    private VolumeOptions OptionsFor(uint volumeId, int checkpointInterval, long? volumeBytes = null) => new()
    {
        MaxVolumeBytes = volumeBytes ?? VolumeOptions.DefaultMaxVolumeBytes,
        MaxNeedleDataBytes = _options.MaxNeedleDataBytes,
        CheckpointIntervalNeedles = checkpointInterval,
        CorruptionObserved = _ => OnCorruption(volumeId),
    };

    private void OnCorruption(uint volumeId)
    {
        Log.CorruptionFound(_logger, Id, volumeId);
        _ = ReportCorruptionAsync(volumeId);
    }

    private async Task ReportCorruptionAsync(uint volumeId)
    {
        try
        {
            await _directory.ReportFailureAsync(volumeId, Id, ReplicaFailure.Corruption);
        }
        catch (Exception exception) when (exception is TimeoutException or InvalidOperationException or ObjectDisposedException)
        {
            Log.HeartbeatFailed(_logger, exception, Id);
        }
    }

    private bool TryGetVolume(uint volumeId, out PhysicalVolume volume, out bool directoryReadOnly) =>
        TryGetVolume(volumeId, out volume, out directoryReadOnly, out _);

    /// <summary>After a heartbeat answer: the volumes it names become readable, except those with deletes still to apply.</summary>
    private void UpdateReadable(HeartbeatResult result)
    {
        lock (_gate)
        {
            var readable = new HashSet<uint>(result.VolumeEpochs.Keys);
            foreach (var delete in result.PendingDeletes)
            {
                if (!_appliedPendingDeletes.Contains(delete.Id))
                {
                    readable.Remove(delete.VolumeId);
                }
            }

            _readable = readable;
        }
    }

    private bool IsReadable(uint volumeId)
    {
        lock (_gate)
        {
            return _readable.Contains(volumeId);
        }
    }

    private bool TryGetVolume(uint volumeId, out PhysicalVolume volume, out bool directoryReadOnly, out bool repairing)
    {
        lock (_gate)
        {
            directoryReadOnly = _readOnly.Contains(volumeId);
            repairing = _repairOrders.ContainsKey(volumeId);
            return _volumes.TryGetValue(volumeId, out volume!);
        }
    }

    private async ValueTask<StoreResponse> HandleWriteAsync(NodeId from, StoreWriteRequest request, CancellationToken cancellationToken)
    {
        if (!TryGetVolume(request.VolumeId, out var volume, out var directoryReadOnly))
        {
            return Unknown(request.VolumeId);
        }

        if (request.Data.Length > _options.MaxNeedleDataBytes)
        {
            return new StoreResponse { Status = StoreStatus.TooLarge, Message = $"The photo has {request.Data.Length} bytes; this Store accepts at most {_options.MaxNeedleDataBytes}." };
        }

        uint? epoch;
        lock (_gate)
        {
            epoch = _epochs.TryGetValue(request.VolumeId, out var known) ? known : null;
        }

        if (epoch != request.Epoch)
        {
            // Checked before the read-only list: an upload assigned before a reopening must not be taken for a full volume.
            return new StoreResponse { Status = StoreStatus.StaleEpoch, Message = $"Volume {request.VolumeId} is at epoch {(epoch is { } e ? e.ToString(CultureInfo.InvariantCulture) : "unknown")} here, the write carries {request.Epoch}; ask the Directory again." };
        }

        if (volume.IsReadOnly)
        {
            return new StoreResponse { Status = StoreStatus.ReadOnly, Message = $"Volume {request.VolumeId} is read-only; ask the Directory for another." };
        }

        if (directoryReadOnly)
        {
            // The Directory knows already; a report of a full replica would only turn a reopening volume read-only again.
            return new StoreResponse { Status = StoreStatus.NotWritable, Message = $"The Directory has volume {request.VolumeId} read-only here; ask it for another." };
        }

        try
        {
            await volume.WriteAsync(request.Key, request.AlternateKey, request.Cookie, request.Data, cancellationToken);
            return new StoreResponse { Status = StoreStatus.Ok };
        }
        catch (Exception exception) when (exception is VolumeFullException or InvalidOperationException)
        {
            return new StoreResponse { Status = StoreStatus.ReadOnly, Message = exception.Message };
        }
        catch (IOException exception)
        {
            return new StoreResponse { Status = StoreStatus.Failed, Message = exception.Message };
        }
    }

    private async ValueTask<StoreResponse> HandleReadAsync(NodeId from, StoreReadRequest request, CancellationToken cancellationToken)
    {
        var exists = TryGetVolume(request.VolumeId, out var volume, out var directoryReadOnly, out var repairing);
        if (repairing)
        {
            // A replica under repair may lack needles it will have: "not found" from it would be a lie.
            return new StoreResponse { Status = StoreStatus.Unavailable, Message = $"Volume {request.VolumeId} is being repaired on {Id}; read another replica." };
        }

        if (!exists)
        {
            return Unknown(request.VolumeId);
        }

        if (!IsReadable(request.VolumeId))
        {
            // Until the Directory has answered since this Store started, it may hold photos deleted while it was away.
            return new StoreResponse { Status = StoreStatus.Unavailable, Message = $"Volume {request.VolumeId} on {Id} has deletes to catch up on (no Directory answer since it started, or deletes not yet applied); read another replica." };
        }

        try
        {
            var data = await volume.ReadAsync(request.Key, request.AlternateKey, request.Cookie, cancellationToken);
            return new StoreResponse { Status = StoreStatus.Ok, Data = data, VolumeWritable = !directoryReadOnly && !volume.IsReadOnly };
        }
        catch (NeedleNotFoundException exception)
        {
            return new StoreResponse { Status = StoreStatus.NotFound, Message = exception.Message };
        }
        catch (CookieMismatchException exception)
        {
            return new StoreResponse { Status = StoreStatus.CookieMismatch, Message = exception.Message };
        }
        catch (NeedleCorruptException exception)
        {
            return new StoreResponse { Status = StoreStatus.Corrupt, Message = exception.Message };
        }
        catch (IOException exception)
        {
            return new StoreResponse { Status = StoreStatus.Failed, Message = exception.Message };
        }
    }

    private async ValueTask<StoreResponse> HandleDeleteAsync(NodeId from, StoreDeleteRequest request, CancellationToken cancellationToken)
    {
        var exists = TryGetVolume(request.VolumeId, out var volume, out _, out var repairing);
        if (repairing)
        {
            // The repair may copy this needle after the delete: remember it, so the copy is deleted too.
            RecordDeleteDuringRepair(request);
            if (!exists)
            {
                return new StoreResponse { Status = StoreStatus.NotFound };
            }
        }
        else if (!exists)
        {
            return Unknown(request.VolumeId);
        }

        try
        {
            // The cookie guards deletes as it guards reads; a needle too corrupt to check is deleted all the same.
            await volume.ReadAsync(request.Key, request.AlternateKey, request.Cookie, cancellationToken);
        }
        catch (NeedleNotFoundException exception)
        {
            return new StoreResponse { Status = StoreStatus.NotFound, Message = exception.Message };
        }
        catch (CookieMismatchException exception)
        {
            return new StoreResponse { Status = StoreStatus.CookieMismatch, Message = exception.Message };
        }
        catch (NeedleCorruptException)
        {
        }

        try
        {
            var deleted = await volume.DeleteAsync(request.Key, request.AlternateKey, cancellationToken);
            return new StoreResponse { Status = deleted ? StoreStatus.Ok : StoreStatus.NotFound };
        }
        catch (IOException exception)
        {
            return new StoreResponse { Status = StoreStatus.Failed, Message = exception.Message };
        }
    }

    private static StoreResponse Unknown(uint volumeId) =>
        new() { Status = StoreStatus.UnknownVolume, Message = $"This Store holds no volume {volumeId}." };
}
