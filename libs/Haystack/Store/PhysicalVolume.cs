using System.Globalization;
using Cluster.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Haystack;

/// <summary>
/// One Haystack physical volume: a large append-only file of needles with an in-memory index, as in
/// the paper's Store (OSDI'10 §3.4).
/// </summary>
/// <remarks>
/// <para>A write appends a needle and is acknowledged only after an fsync covers it; writes that arrive
/// together share one fsync (group commit). A read takes exactly one positional read of the whole
/// needle and verifies it before returning any byte. A delete sets the needle's flag in the file and
/// drops it from the index. The index is checkpointed to a side file; on open the checkpoint is loaded
/// and needles after it are re-indexed, a torn last needle is cut off, and corruption anywhere else
/// stops the open with an error naming the file and offset. Compaction copies live needles to a new
/// file while the volume serves, then swaps it in atomically.</para>
/// <para>Thread-safe: reads run concurrently; writes, deletes and compaction are serialised.</para>
/// </remarks>
public sealed partial class PhysicalVolume : IAsyncDisposable
{
    private readonly IFileStorage _storage;
    private readonly VolumeOptions _options;
    private readonly ILogger _logger;
    private readonly AsyncLock _writeGate = new();
    private readonly Lock _indexLock = new();
    private VolumeFile _file;
    private NeedleIndex _index;
    private uint _generation;
    private int _disposed;

    private PhysicalVolume(IFileStorage storage, uint volumeId, VolumeOptions options, ILogger logger, VolumeFile file, NeedleIndex index, uint generation, long end)
    {
        _storage = storage;
        VolumeId = volumeId;
        _options = options;
        _logger = logger;
        _file = file;
        _index = index;
        _generation = generation;
        _appendedEnd = end;
        _durableEnd = end;
    }

    /// <summary>The volume's identity, written in its superblock.</summary>
    public uint VolumeId { get; }

    /// <summary>The storage name of the volume file.</summary>
    public string FileName => DataFileName(VolumeId);

    /// <summary>The size of the volume file in bytes, unacknowledged appends included.</summary>
    public long SizeBytes => Interlocked.Read(ref _appendedEnd);

    /// <summary>How many live needles the index holds.</summary>
    public int NeedleCount
    {
        get
        {
            lock (_indexLock)
            {
                return _index.Count;
            }
        }
    }

    /// <summary>The managed bytes the in-memory index holds, as estimated from its structures.</summary>
    public long IndexBytes
    {
        get
        {
            lock (_indexLock)
            {
                return _index.EstimatedBytes;
            }
        }
    }

    /// <summary>
    /// The bytes of the file that a compaction would give back: deleted, overwritten and orphaned needles. An estimate that
    /// errs low: a needle deleted since the last checkpoint was loaded counts as live until it is next read.
    /// </summary>
    public long ReclaimableBytes
    {
        get
        {
            lock (_indexLock)
            {
                return Math.Max(0, Interlocked.Read(ref _durableEnd) - NeedleFormat.SuperblockBytes - _index.LiveBytes);
            }
        }
    }

    /// <summary>Whether the volume refuses writes: it filled up, or an fsync failed and its state on disk is uncertain.</summary>
    public bool IsReadOnly => _readOnlyReason is not null;

    /// <summary>How many times this volume has been compacted (written in its superblock).</summary>
    public uint Generation => _generation;

    internal static string DataFileName(uint volumeId) => string.Create(CultureInfo.InvariantCulture, $"volume-{volumeId}.dat");

    internal static string IndexFileName(uint volumeId) => string.Create(CultureInfo.InvariantCulture, $"volume-{volumeId}.idx");

    internal static string CompactFileName(uint volumeId) => string.Create(CultureInfo.InvariantCulture, $"volume-{volumeId}.compact");

    /// <summary>Creates a new, empty volume and makes its existence durable.</summary>
    /// <exception cref="IOException">A volume with that id already exists in <paramref name="storage"/>.</exception>
    public static async Task<PhysicalVolume> CreateAsync(IFileStorage storage, uint volumeId, VolumeOptions? options = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        options ??= new VolumeOptions();
        options.Validate();
        var handle = await storage.OpenAsync(DataFileName(volumeId), StorageOpenMode.CreateNew, StorageAccessPattern.Random, cancellationToken);
        var superblock = new byte[NeedleFormat.SuperblockBytes];
        NeedleFormat.WriteSuperblock(superblock, volumeId, generation: 0);
        await handle.WriteAsync(0, superblock, cancellationToken);
        await handle.FlushAsync(cancellationToken);
        await storage.SyncDirectoryAsync(cancellationToken);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<PhysicalVolume>();
        return new PhysicalVolume(storage, volumeId, options, logger, new VolumeFile(handle), new NeedleIndex(), 0, NeedleFormat.SuperblockBytes);
    }

    /// <summary>Writes a final index checkpoint and closes the volume file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _writeGate.WaitAsync();
        try
        {
            if (_readOnlyReason is null or ReadOnlyFull)
            {
                try
                {
                    await WriteCheckpointAsync(CancellationToken.None);
                }
                catch (IOException ex)
                {
                    Log.CheckpointFailed(_logger, ex, VolumeId);
                }
            }

            await _file.RetireAsync();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private NeedleCorruptException ReportCorruption(long offset, string reason)
    {
        var error = new NeedleCorruptException(FileName, offset, reason);
        Log.NeedleCorrupt(_logger, FileName, offset, reason);
        _options.CorruptionObserved?.Invoke(error);
        return error;
    }
}
