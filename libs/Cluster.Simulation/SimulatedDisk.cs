using Cluster.Core;

namespace Cluster.Simulation;

/// <summary>
/// A node's disk in the simulation, keeping exactly the crash contract of <see cref="IFileStorage"/>:
/// unsynced writes are lost on a crash (all of them, or a prefix the seed picks, the first lost one
/// possibly torn), creates, renames and deletes revert unless <see cref="SyncDirectoryAsync"/> completed,
/// and flushed data changes only through the explicit fault <see cref="FlipBit"/>.
/// </summary>
/// <remarks>
/// Writes and reads complete at once; fsyncs complete after a latency drawn from the seed, and a stalled
/// disk (<see cref="Stall"/>) holds their completions. Space is bounded by <see cref="CapacityBytes"/>.
/// Use only on the simulator's thread.
/// </remarks>
public sealed class SimulatedDisk : IFileStorage
{
    private readonly Simulator _simulator;
    private readonly SimulatedNode _node;
    private readonly RandomSource _random;
    private readonly List<SyncCompletion> _stalled = [];
    private SortedDictionary<string, DiskInode> _files = new(StringComparer.Ordinal);
    private SortedDictionary<string, DiskInode> _durableFiles = new(StringComparer.Ordinal);
    private long _sequence;
    private long _directorySequence;
    private long _durableDirectorySequence;
    private long _nextInode;
    private long _usedBytes;

    internal SimulatedDisk(Simulator simulator, SimulatedNode node, DiskOptions options, RandomSource random)
    {
        Options = options.Validate();
        _simulator = simulator;
        _node = node;
        _random = random;
        CapacityBytes = options.CapacityBytes;
        ReadCorruptionProbability = options.ReadCorruptionProbability;
    }

    /// <summary>The settings the disk was created with.</summary>
    public DiskOptions Options { get; }

    /// <inheritdoc />
    public string Location => $"the simulated disk of {_node.Id}";

    /// <summary>The most bytes the files may hold together; lower it to inject a full disk.</summary>
    public long CapacityBytes { get; set; }

    /// <summary>The probability that a read returns one flipped bit; starts at <see cref="DiskOptions.ReadCorruptionProbability"/>.</summary>
    public double ReadCorruptionProbability { get; set; }

    /// <summary>The bytes the current files hold.</summary>
    public long UsedBytes => _usedBytes;

    /// <summary>Whether fsync completions are held.</summary>
    public bool IsStalled { get; private set; }

    /// <summary>How many reads returned a flipped bit.</summary>
    public long CorruptedReads { get; private set; }

    /// <summary>How many crashes this disk went through.</summary>
    public int Crashes { get; private set; }

    internal int Generation { get; private set; }

    /// <inheritdoc />
    public ValueTask<IStorageFile> OpenAsync(string name, StorageOpenMode mode, CancellationToken cancellationToken = default)
    {
        StorageNames.Validate(name);
        _simulator.AssertOnSimulatorThread();
        cancellationToken.ThrowIfCancellationRequested();
        var exists = _files.TryGetValue(name, out var inode);
        switch (mode)
        {
            case StorageOpenMode.OpenExisting when !exists:
                throw new FileNotFoundException($"'{name}' does not exist in {Location}.", name);
            case StorageOpenMode.CreateNew when exists:
                throw new IOException($"'{name}' already exists in {Location}.");
        }

        if (inode is null)
        {
            inode = new DiskInode(++_nextInode) { Linked = true };
            _files.Add(name, inode);
            _directorySequence++;
            RecordDirectory(name, 1);
        }
        else if (mode == StorageOpenMode.Truncate)
        {
            SetLength(inode, name, 0);
        }

        return ValueTask.FromResult<IStorageFile>(new SimulatedStorageFile(this, inode, name, Generation));
    }

    /// <inheritdoc />
    public bool Exists(string name)
    {
        StorageNames.Validate(name);
        return _files.ContainsKey(name);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> List(string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return _files.Keys.Where(name => name.StartsWith(prefix, StringComparison.Ordinal)).ToList();
    }

    /// <inheritdoc />
    public ValueTask DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        StorageNames.Validate(name);
        _simulator.AssertOnSimulatorThread();
        cancellationToken.ThrowIfCancellationRequested();
        if (_files.Remove(name, out var inode))
        {
            Unlink(inode);
            _directorySequence++;
            RecordDirectory(name, 2);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RenameAsync(string sourceName, string destinationName, CancellationToken cancellationToken = default)
    {
        StorageNames.Validate(sourceName);
        StorageNames.Validate(destinationName);
        _simulator.AssertOnSimulatorThread();
        cancellationToken.ThrowIfCancellationRequested();
        if (!_files.TryGetValue(sourceName, out var inode))
        {
            throw new FileNotFoundException($"Cannot rename '{sourceName}': it does not exist in {Location}.", sourceName);
        }

        if (sourceName == destinationName)
        {
            return ValueTask.CompletedTask;
        }

        if (_files.Remove(destinationName, out var replaced))
        {
            Unlink(replaced);
        }

        _files.Remove(sourceName);
        _files.Add(destinationName, inode);
        _directorySequence++;
        RecordDirectory(sourceName, 3, SimulationTrace.HashString(destinationName));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask SyncDirectoryAsync(CancellationToken cancellationToken = default)
    {
        _simulator.AssertOnSimulatorThread();
        cancellationToken.ThrowIfCancellationRequested();
        _simulator.Trace.Record(TraceEventKind.DiskSync, _simulator.NowTicks, _node.Id.Value, 0, (ulong)_directorySequence);
        var snapshot = new SortedDictionary<string, DiskInode>(_files, StringComparer.Ordinal);
        return ScheduleSync(new SyncCompletion(this, Generation, null, _directorySequence, snapshot));
    }

    /// <summary>Holds fsync completions until <see cref="Unstall"/>, as a disk that stops answering does.</summary>
    public void Stall()
    {
        _simulator.AssertOnSimulatorThread();
        IsStalled = true;
        _simulator.Trace.Record(TraceEventKind.Fault, _simulator.NowTicks, _node.Id.Value, 20);
        Log.DiskStalled(_simulator.Logger, _node.Id, _simulator.Now);
    }

    /// <summary>Lets held fsync completions finish now, in the order they were due.</summary>
    public void Unstall()
    {
        _simulator.AssertOnSimulatorThread();
        IsStalled = false;
        _simulator.Trace.Record(TraceEventKind.Fault, _simulator.NowTicks, _node.Id.Value, 21, (ulong)_stalled.Count);
        foreach (var completion in _stalled)
        {
            if (completion.Generation == Generation)
            {
                _simulator.Enqueue(_simulator.NowTicks, _node.Context, completion, 0);
            }
        }

        _stalled.Clear();
    }

    /// <summary>
    /// Flips bit <paramref name="bit"/> of the byte at <paramref name="offset"/> of a file, in what readers
    /// see now and in what is durable: an explicit media-corruption fault that checksums must catch.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public void FlipBit(string name, long offset, int bit)
    {
        StorageNames.Validate(name);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(bit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bit, 7);
        if (!_files.TryGetValue(name, out var inode))
        {
            throw new FileNotFoundException($"'{name}' does not exist in {Location}.", name);
        }

        inode.FlipBit(offset, bit);
        _simulator.Trace.Record(TraceEventKind.Fault, _simulator.NowTicks, _node.Id.Value, 22, SimulationTrace.HashString(name) ^ (ulong)offset);
    }

    /// <summary>The bytes of a file as readers see them now, for test assertions; null when the file does not exist.</summary>
    public byte[]? ReadAllBytes(string name) => _files.TryGetValue(name, out var inode) ? inode.CurrentBytes.ToArray() : null;

    internal int Read(DiskInode inode, string name, long offset, Span<byte> buffer)
    {
        _simulator.AssertOnSimulatorThread();
        var count = inode.Read(offset, buffer);
        _simulator.Trace.Record(TraceEventKind.DiskRead, _simulator.NowTicks, _node.Id.Value, SimulationTrace.HashString(name) ^ (ulong)offset, (ulong)count);
        if (count > 0 && ReadCorruptionProbability > 0 && _random.Chance(ReadCorruptionProbability))
        {
            var bit = _random.Next(count * 8);
            buffer[bit >> 3] ^= (byte)(1 << (bit & 7));
            CorruptedReads++;
            _simulator.Trace.Record(TraceEventKind.Fault, _simulator.NowTicks, _node.Id.Value, 23, (ulong)bit);
        }

        return count;
    }

    internal void Write(DiskInode inode, string name, long offset, ReadOnlySpan<byte> data)
    {
        _simulator.AssertOnSimulatorThread();
        Reserve(inode, name, offset + data.Length);
        inode.ApplyCurrent(new PendingWrite(++_sequence, offset, data.ToArray(), 0));
        _simulator.Trace.Record(TraceEventKind.DiskWrite, _simulator.NowTicks, _node.Id.Value, SimulationTrace.HashString(name) ^ (ulong)offset, (ulong)data.Length);
    }

    internal void SetLength(DiskInode inode, string name, long length)
    {
        _simulator.AssertOnSimulatorThread();
        Reserve(inode, name, length);
        if (length < inode.Length && inode.Linked)
        {
            _usedBytes -= inode.Length - length;
        }

        inode.ApplyCurrent(new PendingWrite(++_sequence, 0, null, length));
        _simulator.Trace.Record(TraceEventKind.DiskWrite, _simulator.NowTicks, _node.Id.Value, SimulationTrace.HashString(name), (ulong)length | (1UL << 63));
    }

    internal ValueTask SyncFile(DiskInode inode, string name)
    {
        _simulator.AssertOnSimulatorThread();
        _simulator.Trace.Record(TraceEventKind.DiskSync, _simulator.NowTicks, _node.Id.Value, SimulationTrace.HashString(name), (ulong)_sequence);
        return ScheduleSync(new SyncCompletion(this, Generation, inode, _sequence, null));
    }

    internal void CompleteSync(SyncCompletion completion)
    {
        if (completion.Generation != Generation)
        {
            return;
        }

        if (IsStalled)
        {
            _stalled.Add(completion);
            return;
        }

        if (completion.Inode is { } inode)
        {
            var made = inode.MakeDurable(completion.Sequence);
            _simulator.Trace.Record(TraceEventKind.DiskSyncCompleted, _simulator.NowTicks, _node.Id.Value, (ulong)inode.Id, (ulong)made);
        }
        else if (completion.Sequence > _durableDirectorySequence)
        {
            // A later directory sync may finish first; an older snapshot must not undo it.
            _durableDirectorySequence = completion.Sequence;
            _durableFiles = completion.Directory!;
            _simulator.Trace.Record(TraceEventKind.DiskSyncCompleted, _simulator.NowTicks, _node.Id.Value, 0, (ulong)completion.Sequence);
        }

        completion.Completion.TrySetResult();
    }

    /// <summary>The crash: the directory reverts to its last synced state and each file keeps its durable bytes plus what the seed lets through.</summary>
    internal void Crash(bool tearLastWrite)
    {
        Generation++;
        Crashes++;
        _stalled.Clear();
        IsStalled = false;
        _files = new SortedDictionary<string, DiskInode>(_durableFiles, StringComparer.Ordinal);
        foreach (var inode in _files.Values.Distinct())
        {
            Recover(inode, tearLastWrite);
        }

        foreach (var inode in _durableFiles.Values)
        {
            inode.Linked = false;
        }

        _usedBytes = 0;
        foreach (var inode in _files.Values)
        {
            inode.Linked = true;
            _usedBytes += inode.Length;
        }

        _directorySequence = 0;
        _durableDirectorySequence = 0;
        _simulator.Trace.Record(TraceEventKind.Fault, _simulator.NowTicks, _node.Id.Value, 24, (ulong)_files.Count);
    }

    private void Recover(DiskInode inode, bool tearLastWrite)
    {
        var pending = inode.Pending;
        if (pending.Count > 0)
        {
            var keep = Options.UnsyncedLoss == UnsyncedLossMode.LoseAll ? 0 : _random.Next(pending.Count + (tearLastWrite ? 0 : 1));
            for (var i = 0; i < keep; i++)
            {
                inode.ApplyDurable(pending[i]);
            }

            if (keep < pending.Count && (tearLastWrite || _random.Chance(Options.TornWriteProbability)))
            {
                Tear(inode, pending[keep]);
            }

            _simulator.Trace.Record(TraceEventKind.Fault, _simulator.NowTicks, _node.Id.Value, 25, ((ulong)inode.Id << 32) | (uint)keep);
        }

        inode.ResetToDurable();
    }

    private void Tear(DiskInode inode, in PendingWrite write)
    {
        if (write.Data is not { Length: > 1 } data)
        {
            return;
        }

        // A prefix reached the medium; the rest of the sectors hold either nothing or garbage.
        var prefix = _random.Next(data.Length);
        var torn = new byte[_random.Chance(0.5) ? data.Length : prefix];
        data.AsSpan(0, prefix).CopyTo(torn);
        _random.NextBytes(torn.AsSpan(prefix));
        inode.ApplyDurable(write with { Data = torn });
        _simulator.Trace.Record(TraceEventKind.Fault, _simulator.NowTicks, _node.Id.Value, 26, ((ulong)prefix << 32) | (uint)torn.Length);
    }

    private void Reserve(DiskInode inode, string name, long end)
    {
        if (end <= inode.Length || !inode.Linked)
        {
            return;
        }

        var growth = end - inode.Length;
        if (_usedBytes + growth > CapacityBytes)
        {
            _simulator.Trace.Record(TraceEventKind.Fault, _simulator.NowTicks, _node.Id.Value, 27, (ulong)end);
            throw new StorageFullException(Location, name);
        }

        _usedBytes += growth;
    }

    private void Unlink(DiskInode inode)
    {
        inode.Linked = false;
        _usedBytes -= inode.Length;
    }

    private ValueTask ScheduleSync(SyncCompletion completion)
    {
        var span = Options.SyncMaxLatency.Ticks - Options.SyncMinLatency.Ticks;
        var latency = Options.SyncMinLatency.Ticks + (span == 0 ? 0 : (long)_random.NextUInt64((ulong)span + 1));
        _simulator.Enqueue(_simulator.NowTicks + latency, _node.Context, completion, 0);
        return new ValueTask(completion.Completion.Task);
    }

    private void RecordDirectory(string name, ulong operation, ulong extra = 0) =>
        _simulator.Trace.Record(TraceEventKind.DiskDirectory, _simulator.NowTicks, _node.Id.Value, SimulationTrace.HashString(name) ^ operation, extra);
}
