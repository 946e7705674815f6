using Cluster.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Haystack;

/// <summary>
/// Uploads, reads and deletes photos (OSDI'10 §3.3 and §3.4): asks the <see cref="DirectoryClient"/> where to write, writes
/// every replica, reads by the paper's URL (through a Cache or straight from a Store) and falls back to other replicas when
/// one fails, reporting the failure to the Directory.
/// </summary>
/// <remarks>Thread-safe; every call is independent.</remarks>
public sealed class HaystackClient
{
    private readonly MessageBus _bus;
    private readonly DirectoryClient _directory;
    private readonly TimeProvider _time;
    private readonly RandomSource _random;
    private readonly HaystackClientOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _randomGate = new();

    /// <summary>Creates a client.</summary>
    /// <param name="bus">The caller's bus; its registry must hold <see cref="HaystackMessageTypes.CreateRegistry"/>'s types.</param>
    /// <param name="directory">The Directory client (sharing the bus).</param>
    /// <param name="time">The clock for timeouts and retries.</param>
    /// <param name="random">Draws the photos' cookies; seeded in simulation, <see cref="RandomSource.FromEntropy"/> in production.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="loggerFactory">Where to log; none by default.</param>
    public HaystackClient(MessageBus bus, DirectoryClient directory, TimeProvider time, RandomSource random, HaystackClientOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        _bus = bus ?? throw new ArgumentNullException(nameof(bus));
        _directory = directory ?? throw new ArgumentNullException(nameof(directory));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _random = random ?? throw new ArgumentNullException(nameof(random));
        _options = options ?? new HaystackClientOptions();
        _options.Validate();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<HaystackClient>();
    }

    /// <summary>
    /// Uploads a photo: the Directory assigns a write-enabled logical volume and a key, and the photo is written to every
    /// replica. It succeeds only when all replicas acknowledged; otherwise the failed replicas are reported (which makes the
    /// volume read-only) and the upload starts again on another logical volume with a new key.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The photo is larger than <see cref="HaystackClientOptions.MaxUploadBytes"/> or the Stores accept.</exception>
    /// <exception cref="UploadFailedException">No logical volume took the photo within <see cref="HaystackClientOptions.MaxUploadAttempts"/>.</exception>
    public async Task<PhotoLocation> UploadAsync(ReadOnlyMemory<byte> data, uint alternateKey = 0, CancellationToken cancellationToken = default)
    {
        if (data.Length > _options.MaxUploadBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(data), data.Length, $"The photo has {data.Length} bytes; uploads hold at most {_options.MaxUploadBytes} (HaystackClientOptions.MaxUploadBytes).");
        }

        var lastError = "no attempt was made";
        for (var attempt = 1; attempt <= _options.MaxUploadAttempts; attempt++)
        {
            var assignment = await _directory.AssignUploadAsync(data.Length, cancellationToken);
            if (assignment.VolumeId == 0)
            {
                lastError = "no logical volume was write-enabled";
                await Task.Delay(_options.RetryDelay, _time, cancellationToken);
                continue;
            }

            var photo = new PhotoLocation(assignment.VolumeId, assignment.Key, alternateKey, NextCookie());
            var request = new StoreWriteRequest { VolumeId = photo.VolumeId, Key = photo.Key, AlternateKey = alternateKey, Cookie = photo.Cookie, Data = data, Epoch = assignment.Epoch };
            var answers = await Task.WhenAll(assignment.Replicas.Select(replica => SendAsync(replica, request, cancellationToken)));
            if (Array.TrueForAll(answers, a => a.Status == StoreStatus.Ok))
            {
                return photo;
            }

            for (var i = 0; i < answers.Length; i++)
            {
                var answer = answers[i];
                if (answer.Status == StoreStatus.TooLarge)
                {
                    throw new ArgumentOutOfRangeException(nameof(data), data.Length, answer.Message);
                }

                if (answer.Status is StoreStatus.StaleEpoch or StoreStatus.NotWritable)
                {
                    // The assignment is out of date (the volume was reopened or turned read-only), or the Store has not heard
                    // of the change yet: nothing failed, ask again.
                    lastError = $"{assignment.Replicas[i]}: {answer.Status}: {answer.Message}";
                }
                else if (answer.Status != StoreStatus.Ok)
                {
                    lastError = $"{assignment.Replicas[i]}: {answer.Status}: {answer.Message}";
                    var failure = answer.Status switch
                    {
                        StoreStatus.ReadOnly => ReplicaFailure.Full,
                        _ when ReferenceEquals(answer, Unreachable) => ReplicaFailure.Unreachable,
                        _ => ReplicaFailure.WriteFailed,
                    };
                    await ReportAsync(photo.VolumeId, assignment.Replicas[i], failure, cancellationToken);
                }
            }
        }

        throw new UploadFailedException(_options.MaxUploadAttempts, lastError);
    }

    /// <summary>
    /// Builds the URL to read a photo by: the Directory picks the replica (spreading photos over healthy replicas), and
    /// <paramref name="cache"/> names the Cache to read through (<see cref="NodeId.None"/> for a direct read).
    /// </summary>
    /// <exception cref="UnknownVolumeException">The Directory knows no such logical volume.</exception>
    public async Task<PhotoUrl> GetUrlAsync(PhotoLocation photo, NodeId cache = default, CancellationToken cancellationToken = default)
    {
        var location = await LocateAsync(photo, cancellationToken);
        return new PhotoUrl(cache, location.Replicas.Count > 0 ? location.Replicas[0] : NodeId.None, photo);
    }

    /// <summary>
    /// Reads a photo by its URL: from the Cache it names, or from its Store machine. If that replica is unreachable or its
    /// copy corrupt, the failure is reported to the Directory and the other replicas are tried.
    /// </summary>
    /// <exception cref="NeedleNotFoundException">The photo does not exist (never written, or deleted).</exception>
    /// <exception cref="CookieMismatchException">The URL's cookie is wrong.</exception>
    /// <exception cref="UnknownVolumeException">The URL names a logical volume the Directory does not know.</exception>
    /// <exception cref="PhotoUnavailableException">No replica could serve the photo.</exception>
    public async Task<ReadOnlyMemory<byte>> ReadAsync(PhotoUrl url, CancellationToken cancellationToken = default)
    {
        var photo = url.Photo;
        var read = new StoreReadRequest { VolumeId = photo.VolumeId, Key = photo.Key, AlternateKey = photo.AlternateKey, Cookie = photo.Cookie };
        var tried = new HashSet<NodeId>();
        var lastError = "no replica was tried";
        if (!url.Machine.IsNone)
        {
            var first = url.Cache.IsNone
                ? await SendAsync(url.Machine, read, cancellationToken)
                : await SendAsync(url.Cache, new CacheReadRequest { Machine = url.Machine, Read = read }, cancellationToken);
            if (Outcome(first, photo, url.Machine, ref lastError) is { } data)
            {
                return data;
            }

            // Only a direct read says something about the Store. Through a Cache the failure may be the Cache's own, so the
            // Store is asked again directly below, and blamed only if it fails there.
            if (url.Cache.IsNone)
            {
                tried.Add(url.Machine);
                await ReportReadFailureAsync(photo.VolumeId, url.Machine, first, cancellationToken);
            }
        }

        var location = await LocateAsync(photo, cancellationToken);
        foreach (var replica in location.Replicas.Where(r => !tried.Contains(r)))
        {
            var answer = await SendAsync(replica, read, cancellationToken);
            if (Outcome(answer, photo, replica, ref lastError) is { } data)
            {
                return data;
            }

            tried.Add(replica);
            await ReportReadFailureAsync(photo.VolumeId, replica, answer, cancellationToken);
        }

        throw new PhotoUnavailableException(photo, tried.Count, lastError);
    }

    /// <summary>Reads a photo straight from its Stores, the replica chosen by the Directory.</summary>
    public async Task<ReadOnlyMemory<byte>> ReadAsync(PhotoLocation photo, CancellationToken cancellationToken = default) =>
        await ReadAsync(await GetUrlAsync(photo, NodeId.None, cancellationToken), cancellationToken);

    /// <summary>
    /// Deletes a photo from every replica of its logical volume, then has every Cache in <see cref="HaystackClientOptions.Caches"/>
    /// drop it, so once this returns no Cache serves it either. A replica that cannot be reached (its Store down and not yet
    /// replaced) gets the delete later: the Directory keeps it in its replicated state and replays it to that Store.
    /// </summary>
    /// <returns>False when no replica held the photo.</returns>
    /// <exception cref="CookieMismatchException">The cookie is wrong; nothing was deleted.</exception>
    /// <exception cref="UnknownVolumeException">The Directory knows no such logical volume.</exception>
    /// <exception cref="PhotoUnavailableException">No replica confirmed the delete, the Directory could not keep it for those that missed it, or a Cache could not be reached; delete again later.</exception>
    public async Task<bool> DeleteAsync(PhotoLocation photo, CancellationToken cancellationToken = default)
    {
        var location = await LocateAsync(photo, cancellationToken);
        var request = new StoreDeleteRequest { VolumeId = photo.VolumeId, Key = photo.Key, AlternateKey = photo.AlternateKey, Cookie = photo.Cookie };
        var answers = await Task.WhenAll(location.Replicas.Select(replica => SendAsync(replica, request, cancellationToken)));
        if (Array.Exists(answers, a => a.Status == StoreStatus.CookieMismatch))
        {
            throw new CookieMismatchException(photo.VolumeId, photo.Key, photo.AlternateKey);
        }

        // Replicas that did not confirm (a Store down, not answering, or failing) get the delete through the Directory, which
        // keeps it in its replicated state and replays it to them. That needs at least one replica to have confirmed it with
        // the cookie checked; with none, the delete fails and must be repeated.
        var missed = Enumerable.Range(0, answers.Length).Where(i => answers[i].Status is not (StoreStatus.Ok or StoreStatus.NotFound)).ToList();
        var pendingKept = missed.Count == 0;
        Exception? directoryFailure = null;
        if (missed.Count > 0 && missed.Count < answers.Length)
        {
            try
            {
                pendingKept = await _directory.RecordPendingDeleteAsync(photo.VolumeId, photo.Key, photo.AlternateKey, photo.Cookie, [.. missed.Select(i => location.Replicas[i])], cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The live replicas have deleted the photo already: the Caches must still drop it before this fails.
                directoryFailure = exception;
            }
        }

        // The Caches go after the Stores: a Cache that misses between the two finds the photo gone, and one that missed before
        // has its answer spoiled by the invalidation. Even a delete that failed on some replica may have succeeded on others.
        var unconfirmed = await InvalidateCachesAsync(photo, cancellationToken);
        if (directoryFailure is not null)
        {
            throw new PhotoUnavailableException(photo, answers.Length, $"deleted on the live replicas, but the Directory could not keep the delete for the others: {directoryFailure.Message}", directoryFailure);
        }

        if (!pendingKept)
        {
            var failed = missed[0];
            throw new PhotoUnavailableException(photo, answers.Length, $"{location.Replicas[failed]}: {answers[failed].Status}: {answers[failed].Message}");
        }

        if (unconfirmed is { } cache)
        {
            throw new PhotoUnavailableException(photo, answers.Length, $"deleted on the Stores, but Cache {cache} did not confirm that it dropped the photo");
        }

        return Array.Exists(answers, a => a.Status == StoreStatus.Ok);
    }

    /// <summary>What <see cref="SendAsync"/> returns when the node did not answer in time; compared by reference.</summary>
    private static readonly StoreResponse Unreachable = new() { Status = StoreStatus.Failed, Message = "The node did not answer in time." };

    private static ReadOnlyMemory<byte>? Outcome(StoreResponse answer, PhotoLocation photo, NodeId replica, ref string lastError)
    {
        switch (answer.Status)
        {
            case StoreStatus.Ok:
                return answer.Data;
            case StoreStatus.NotFound:
                throw new NeedleNotFoundException(photo.VolumeId, photo.Key, photo.AlternateKey);
            case StoreStatus.CookieMismatch:
                throw new CookieMismatchException(photo.VolumeId, photo.Key, photo.AlternateKey);
            default:
                lastError = $"{replica}: {answer.Status}: {answer.Message}";
                return null;
        }
    }

    /// <summary>Tells every Cache to drop the photo; returns one that never confirmed, or null.</summary>
    private async Task<NodeId?> InvalidateCachesAsync(PhotoLocation photo, CancellationToken cancellationToken)
    {
        var request = new CacheInvalidateRequest { VolumeId = photo.VolumeId, Key = photo.Key, AlternateKey = photo.AlternateKey };
        var confirmed = await Task.WhenAll(_options.Caches.Select(async cache =>
        {
            for (var attempt = 0; attempt < _options.MaxInvalidationAttempts; attempt++)
            {
                if ((await SendAsync(cache, request, cancellationToken)).Status == StoreStatus.Ok)
                {
                    return true;
                }
            }

            Log.CacheInvalidationFailed(_logger, cache, photo.VolumeId, photo.Key);
            return false;
        }));
        var index = Array.IndexOf(confirmed, false);
        return index < 0 ? null : _options.Caches[index];
    }

    private async Task ReportReadFailureAsync(uint volumeId, NodeId replica, StoreResponse answer, CancellationToken cancellationToken)
    {
        // A Store that finds corruption reports it itself; the client reports what only it can see, a replica that does not answer.
        if (ReferenceEquals(answer, Unreachable))
        {
            await ReportAsync(volumeId, replica, ReplicaFailure.Unreachable, cancellationToken);
        }
    }

    private async Task ReportAsync(uint volumeId, NodeId replica, ReplicaFailure failure, CancellationToken cancellationToken)
    {
        Log.ReplicaFailed(_logger, replica, volumeId, failure);
        await _directory.ReportFailureAsync(volumeId, replica, failure, cancellationToken);
    }

    private async Task<VolumeLocation> LocateAsync(PhotoLocation photo, CancellationToken cancellationToken) =>
        await _directory.LocateAsync(photo.VolumeId, photo.Key, cancellationToken) ?? throw new UnknownVolumeException(photo.VolumeId);

    private async Task<StoreResponse> SendAsync(NodeId node, object request, CancellationToken cancellationToken)
    {
        try
        {
            return await _bus.RequestAsync<StoreResponse>(node, request, _options.StoreRequestTimeout, cancellationToken);
        }
        catch (Exception exception) when (exception is RpcTimeoutException or UnknownPeerException or RpcOverloadException)
        {
            return Unreachable;
        }
        catch (RemoteRpcException exception)
        {
            return new StoreResponse { Status = StoreStatus.Failed, Message = exception.Message };
        }
    }

    private ulong NextCookie()
    {
        lock (_randomGate)
        {
            // Zero is reserved so that a default cookie never matches a real photo.
            ulong cookie;
            do
            {
                cookie = _random.NextUInt64();
            }
            while (cookie == 0);
            return cookie;
        }
    }
}
