using MessagePack;
using Raft.Core;

namespace Gfs;

/// <summary>
/// The GFS master's operation log as a Raft-replicated state machine: the namespace, file-to-chunk mappings, chunk versions
/// and reference counts, the trash, and recent client calls. Replicating it with Raft replaces the paper's remote copies of
/// the operation log and its shadow masters (SOSP'03 §5.1.3): every master node holds the state, and a new leader continues
/// exactly where the old one stopped. Host it with <see cref="MasterServer"/>.
/// </summary>
/// <remarks>
/// Time rules (trash age, retry-cache expiry) use the log's leader time from <see cref="ApplyContext"/>, so every node decides
/// alike. Commands that fail to decode are answered with an empty result instead of stopping the node. Thread-safe.
/// </remarks>
public sealed class MasterStateMachine : IStateMachine
{
    private readonly Lock _gate = new();
    private readonly MasterStateOptions _options;
    private MasterState _state = new();

    /// <summary>Creates an empty master state (only the root directory).</summary>
    /// <param name="options">The limits; every master node of a group must use the same values.</param>
    public MasterStateMachine(MasterOptions? options = null)
    {
        options ??= new MasterOptions();
        options.Validate();
        _options = new MasterStateOptions(options.MaxChunksPerFile, options.RetryCacheTtl);
    }

    /// <summary>How many chunks the master tracks.</summary>
    public int ChunkCount
    {
        get
        {
            lock (_gate)
            {
                return _state.Chunks.Count;
            }
        }
    }

    /// <summary>How many files and directories the namespace holds (the root included, the trash not).</summary>
    public int NamespaceCount
    {
        get
        {
            lock (_gate)
            {
                return _state.Namespace.Count;
            }
        }
    }

    /// <summary>The size of the whole encoded state (what a snapshot writes), in bytes.</summary>
    public long MetadataBytes
    {
        get
        {
            lock (_gate)
            {
                return MasterSerializer.Serialize(_state).LongLength;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<ReadOnlyMemory<byte>> ApplyAsync(ulong index, ReadOnlyMemory<byte> command, CancellationToken cancellationToken) =>
        ApplyAsync(new ApplyContext(index, 0, DateTimeOffset.UnixEpoch, 0), command, cancellationToken);

    /// <inheritdoc />
    public ValueTask<ReadOnlyMemory<byte>> ApplyAsync(ApplyContext context, ReadOnlyMemory<byte> command, CancellationToken cancellationToken)
    {
        if (!TryDecode(command, out var decoded))
        {
            return ValueTask.FromResult(ReadOnlyMemory<byte>.Empty);
        }

        MasterResult result;
        lock (_gate)
        {
            result = _state.Apply(decoded, context.LeaderTime.UtcTicks, _options);
        }

        return ValueTask.FromResult<ReadOnlyMemory<byte>>(MasterSerializer.Serialize(result));
    }

    /// <inheritdoc />
    public ValueTask<ReadOnlyMemory<byte>> QueryAsync(ReadOnlyMemory<byte> query, CancellationToken cancellationToken)
    {
        if (!TryDecode(query, out var decoded))
        {
            return ValueTask.FromResult(ReadOnlyMemory<byte>.Empty);
        }

        lock (_gate)
        {
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(MasterSerializer.Serialize(_state.Query(decoded)));
        }
    }

    /// <inheritdoc />
    public async ValueTask WriteSnapshotAsync(Stream destination, CancellationToken cancellationToken)
    {
        byte[] bytes;
        lock (_gate)
        {
            bytes = MasterSerializer.Serialize(_state);
        }

        await destination.WriteAsync(bytes, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask RestoreSnapshotAsync(Stream source, CancellationToken cancellationToken)
    {
        var state = await MessagePackSerializer.DeserializeAsync<MasterState>(source, MasterSerializer.Options, cancellationToken);
        lock (_gate)
        {
            _state = state;
        }
    }

    /// <summary>The current version of chunk <paramref name="handle"/> as applied here, or false when it does not exist.</summary>
    internal bool TryGetChunk(ulong handle, out ulong version, out int references)
    {
        lock (_gate)
        {
            if (_state.Chunks.TryGetValue(handle, out var record))
            {
                version = record.Version;
                references = record.References;
                return true;
            }

            version = 0;
            references = 0;
            return false;
        }
    }

    /// <summary>Whether chunk <paramref name="handle"/> is at <paramref name="version"/> with its lease not granted yet (see <see cref="ChunkRecord.GrantPending"/>).</summary>
    internal bool IsGrantPending(ulong handle, ulong version)
    {
        lock (_gate)
        {
            return _state.Chunks.TryGetValue(handle, out var record) && record.Version == version && record.GrantPending;
        }
    }

    /// <summary>The epoch of the latest master take-over applied here (it grows by one with each; 0 before the first).</summary>
    public ulong Epoch
    {
        get
        {
            lock (_gate)
            {
                return _state.Epoch;
            }
        }
    }

    /// <summary>The Chubby lock generation of the latest take-over that held the lock, as applied here (0 without Chubby).</summary>
    public ulong LockGeneration
    {
        get
        {
            lock (_gate)
            {
                return _state.LockGeneration;
            }
        }
    }

    /// <summary>Every chunk with its version, as applied here.</summary>
    internal List<ChunkVersion> AllChunks()
    {
        lock (_gate)
        {
            return [.. _state.Chunks.Values.Select(c => new ChunkVersion(c.Handle, c.Version))];
        }
    }

    /// <summary>The oldest deletion time (ticks) in the trash, or null when it is empty.</summary>
    internal long? OldestTrashTicks()
    {
        lock (_gate)
        {
            return _state.Trash.Count == 0 ? null : _state.Trash.Values.Min(t => t.DeletedTicks);
        }
    }

    /// <summary>Answers a query against the state as applied here (not linearizable on its own).</summary>
    internal MasterResult QueryLocal(MasterCommand query)
    {
        lock (_gate)
        {
            return _state.Query(query);
        }
    }

    /// <summary>A file's chunks with their versions as applied here, for tests and tools (empty for a directory or a missing path).</summary>
    internal IReadOnlyList<ChunkVersion> LookupForTests(string path)
    {
        var result = QueryLocal(new MasterCommand { Op = MasterOp.Lookup, Path = path });
        return result.Chunks;
    }

    private static bool TryDecode(ReadOnlyMemory<byte> bytes, out MasterCommand command)
    {
        command = null!;
        if (bytes.IsEmpty)
        {
            return false;
        }

        try
        {
            command = MasterSerializer.Deserialize<MasterCommand>(bytes);
            return command is not null;
        }
        catch (MessagePackSerializationException)
        {
            command = null!;
            return false;
        }
    }
}
