using MessagePack;

namespace Gfs;

/// <summary>
/// The GFS master's persistent metadata (SOSP'03 §2.6): the namespace as a flat table from full path names to files and
/// directories, each file's chunk handles, each chunk's version and reference count, the trash of deleted files awaiting
/// garbage collection, and the answers to recent client calls. A deterministic function of the commands applied: no clock
/// (times come from the log), randomness or I/O. Chunk locations and leases are not here; they are the master's soft state,
/// relearned from chunkservers. Not thread-safe; <see cref="MasterStateMachine"/> serialises access.
/// </summary>
[MessagePackObject]
internal sealed class MasterState
{
    [Key(0)]
    public Dictionary<string, NamespaceEntry> Namespace { get; set; } = new(StringComparer.Ordinal) { [GfsPath.Root] = new NamespaceEntry { IsDirectory = true } };

    [Key(1)]
    public Dictionary<ulong, ChunkRecord> Chunks { get; set; } = [];

    [Key(2)]
    public ulong NextHandle { get; set; } = 1;

    [Key(3)]
    public SortedDictionary<long, TrashEntry> Trash { get; set; } = [];

    [Key(4)]
    public long NextTrashId { get; set; } = 1;

    [Key(5)]
    public Dictionary<ulong, Dictionary<ulong, RetryRecord>> RetryCache { get; set; } = [];

    [Key(6)]
    public long LastRetryPurgeTicks { get; set; }

    /// <summary>The epoch of the latest master to take over: grows by one with every take-over logged.</summary>
    [Key(7)]
    public ulong Epoch { get; set; }

    /// <summary>The highest Chubby lock generation a master took over with (0 while the group elects with Raft alone).</summary>
    [Key(8)]
    public ulong LockGeneration { get; set; }

    public MasterResult Apply(MasterCommand command, long nowTicks, MasterStateOptions options)
    {
        if (command.ClientId != 0 && RetryCache.TryGetValue(command.ClientId, out var calls) && calls.TryGetValue(command.CallId, out var earlier))
        {
            return earlier.Result;
        }

        var result = command.Op switch
        {
            MasterOp.CreateFile => CreateFile(command.Path, nowTicks),
            MasterOp.CreateDirectory => CreateDirectory(command.Path, nowTicks),
            MasterOp.Delete => Delete(command.Path, command.Recursive, nowTicks),
            MasterOp.Rename => Rename(command.Path, command.Target),
            MasterOp.Snapshot => Snapshot(command.Path, command.Target, nowTicks),
            MasterOp.AddChunk => AddChunk(command.Path, command.ChunkIndex, options),
            MasterOp.BumpVersion => BumpVersion(command.Handle, command.Version),
            MasterOp.CopyOnWrite => CopyOnWrite(command.Path, command.ChunkIndex, command.Handle),
            MasterOp.ReclaimTrash => ReclaimTrash(command.BeforeTicks),
            MasterOp.BeginEpoch => BeginEpoch(command.LockGeneration),
            MasterOp.ConfirmLease => ConfirmLease(command.Handle, command.Version),
            MasterOp.Undelete => Undelete(command.Path, command.Target.Length == 0 ? command.Path : command.Target),
            _ => MasterResult.Fail(GfsErrorCode.InvalidArgument, $"Operation {command.Op} is not a command."),
        };

        if (command.ClientId != 0)
        {
            Remember(command.ClientId, command.CallId, result, nowTicks, options);
        }

        return result;
    }

    public MasterResult Query(MasterCommand query) => query.Op switch
    {
        MasterOp.Lookup => Lookup(query.Path),
        MasterOp.List => List(query.Path),
        MasterOp.Trash => new MasterResult { Names = [.. Trash.Values.Select(t => t.Path)], Count = Trash.Count },
        MasterOp.Epoch => new MasterResult { Version = Epoch, Handle = LockGeneration },
        MasterOp.Chunks => SubtreeChunks(query.Path),
        _ => MasterResult.Fail(GfsErrorCode.InvalidArgument, $"Operation {query.Op} is not a query."),
    };

    private MasterResult CreateFile(string path, long nowTicks)
    {
        if (CheckNewPath(path) is { } problem)
        {
            return problem;
        }

        Namespace[path] = new NamespaceEntry { CreatedTicks = nowTicks };
        Namespace[GfsPath.Parent(path)!].AddChild(GfsPath.Name(path));
        return MasterResult.Ok;
    }

    private MasterResult CreateDirectory(string path, long nowTicks)
    {
        if (!GfsPath.TryValidate(path, out var invalid))
        {
            return MasterResult.Fail(GfsErrorCode.InvalidPath, $"'{path}' is not a valid path: {invalid}.");
        }

        foreach (var step in GfsPath.Ancestors(path).Append(path))
        {
            if (Namespace.TryGetValue(step, out var existing))
            {
                if (!existing.IsDirectory)
                {
                    return MasterResult.Fail(step == path ? GfsErrorCode.AlreadyExists : GfsErrorCode.NotADirectory, $"'{step}' is a file.");
                }

                continue;
            }

            Namespace[step] = new NamespaceEntry { IsDirectory = true, CreatedTicks = nowTicks };
            Namespace[GfsPath.Parent(step)!].AddChild(GfsPath.Name(step));
        }

        return MasterResult.Ok;
    }

    private MasterResult Delete(string path, bool recursive, long nowTicks)
    {
        if (CheckExisting(path, out var entry) is { } problem)
        {
            return problem;
        }

        if (path == GfsPath.Root)
        {
            return MasterResult.Fail(GfsErrorCode.InvalidArgument, "The root directory cannot be deleted.");
        }

        if (entry.IsDirectory && entry.Children.Count > 0 && !recursive)
        {
            return MasterResult.Fail(GfsErrorCode.DirectoryNotEmpty, $"'{path}' has {entry.Children.Count} children; delete recursively to remove them.");
        }

        var trash = new TrashEntry { Path = path, DeletedTicks = nowTicks };
        foreach (var (subPath, subEntry) in Subtree(path))
        {
            if (!subEntry.IsDirectory)
            {
                trash.Chunks.AddRange(subEntry.Chunks);
                trash.Files++;
            }

            trash.Entries[subPath[path.Length..]] = subEntry;
            Namespace.Remove(subPath);
        }

        Namespace[GfsPath.Parent(path)!].RemoveChild(GfsPath.Name(path));
        Trash[NextTrashId++] = trash;
        return new MasterResult { Count = trash.Files };
    }

    private MasterResult Rename(string path, string target)
    {
        if (CheckExisting(path, out _) is { } problem || CheckNewPath(target) is { } targetProblem && (problem = targetProblem) is not null)
        {
            return problem;
        }

        if (path == GfsPath.Root || GfsPath.IsSameOrBeneath(target, path))
        {
            return MasterResult.Fail(GfsErrorCode.InvalidArgument, $"'{path}' cannot be moved into itself ('{target}').");
        }

        foreach (var (subPath, subEntry) in Subtree(path))
        {
            Namespace.Remove(subPath);
            Namespace[target + subPath[path.Length..]] = subEntry;
        }

        Namespace[GfsPath.Parent(path)!].RemoveChild(GfsPath.Name(path));
        Namespace[GfsPath.Parent(target)!].AddChild(GfsPath.Name(target));
        return MasterResult.Ok;
    }

    private MasterResult Snapshot(string path, string target, long nowTicks)
    {
        if (CheckExisting(path, out _) is { } problem || CheckNewPath(target) is { } targetProblem && (problem = targetProblem) is not null)
        {
            return problem;
        }

        if (GfsPath.IsSameOrBeneath(target, path))
        {
            return MasterResult.Fail(GfsErrorCode.InvalidArgument, $"A snapshot of '{path}' cannot be placed inside it ('{target}').");
        }

        var files = 0L;
        foreach (var (subPath, subEntry) in Subtree(path))
        {
            var copy = new NamespaceEntry
            {
                IsDirectory = subEntry.IsDirectory,
                Chunks = [.. subEntry.Chunks],
                Children = [.. subEntry.Children],
                CreatedTicks = nowTicks,
            };
            foreach (var handle in copy.Chunks)
            {
                Chunks[handle].References++;
            }

            files += subEntry.IsDirectory ? 0 : 1;
            Namespace[target + subPath[path.Length..]] = copy;
        }

        Namespace[GfsPath.Parent(target)!].AddChild(GfsPath.Name(target));
        return new MasterResult { Count = files };
    }

    private MasterResult AddChunk(string path, int chunkIndex, MasterStateOptions options)
    {
        if (CheckFile(path, out var file) is { } problem)
        {
            return problem;
        }

        if (chunkIndex < 0 || chunkIndex > file.Chunks.Count)
        {
            return MasterResult.Fail(GfsErrorCode.InvalidArgument, $"'{path}' has {file.Chunks.Count} chunks; chunk {chunkIndex} cannot be added (chunks are added in order).");
        }

        if (chunkIndex < file.Chunks.Count)
        {
            var existing = Chunks[file.Chunks[chunkIndex]];
            return new MasterResult { Handle = existing.Handle, Version = existing.Version, PreviousHandle = existing.Handle };
        }

        if (file.Chunks.Count >= options.MaxChunksPerFile)
        {
            return MasterResult.Fail(GfsErrorCode.InvalidArgument, $"'{path}' already has the most chunks a file may have ({options.MaxChunksPerFile}).");
        }

        var record = new ChunkRecord { Handle = NextHandle++, Version = 1, References = 1 };
        Chunks[record.Handle] = record;
        file.Chunks.Add(record.Handle);
        return new MasterResult { Handle = record.Handle, Version = record.Version, PreviousHandle = record.Handle, Created = true };
    }

    private MasterResult BumpVersion(ulong handle, ulong expectedVersion)
    {
        if (!Chunks.TryGetValue(handle, out var record))
        {
            return MasterResult.Fail(GfsErrorCode.ChunkNotFound, $"Chunk {handle} does not exist (its file was deleted).");
        }

        if (record.Version != expectedVersion)
        {
            return new MasterResult { Code = GfsErrorCode.StaleVersion, Message = $"Chunk {handle} is at version {record.Version}, not {expectedVersion}.", Handle = handle, Version = record.Version };
        }

        record.Version++;
        record.GrantPending = true;
        return new MasterResult { Handle = handle, Version = record.Version };
    }

    /// <summary>Logged just before a lease is granted at <paramref name="version"/>: from now on a mutation may happen at it.</summary>
    private MasterResult ConfirmLease(ulong handle, ulong version)
    {
        if (!Chunks.TryGetValue(handle, out var record))
        {
            return MasterResult.Fail(GfsErrorCode.ChunkNotFound, $"Chunk {handle} does not exist (its file was deleted).");
        }

        if (record.Version != version)
        {
            return new MasterResult { Code = GfsErrorCode.StaleVersion, Message = $"Chunk {handle} is at version {record.Version}, not {version}.", Handle = handle, Version = record.Version };
        }

        record.GrantPending = false;
        return new MasterResult { Handle = handle, Version = version };
    }

    /// <summary>
    /// A master takes over: the epoch grows, and with Chubby the lock generation it holds is recorded. A generation below one
    /// already recorded belongs to a lock that has since passed to another master, so that take-over is refused.
    /// </summary>
    private MasterResult BeginEpoch(ulong lockGeneration)
    {
        if (lockGeneration != 0 && lockGeneration < LockGeneration)
        {
            return new MasterResult
            {
                Code = GfsErrorCode.StaleMaster,
                Message = $"Lock generation {lockGeneration} is older than generation {LockGeneration}, which a later master took over with.",
                Version = Epoch,
            };
        }

        Epoch++;
        LockGeneration = Math.Max(LockGeneration, lockGeneration);
        return new MasterResult { Version = Epoch };
    }

    /// <summary>
    /// §4.4: a deleted file or tree is renamed back from the trash (the latest deletion of <paramref name="path"/>) to
    /// <paramref name="target"/>, with the chunks it had; the trash held a reference to each, so none was reclaimed.
    /// </summary>
    private MasterResult Undelete(string path, string target)
    {
        var found = Trash.LastOrDefault(t => t.Value.Path == path && t.Value.Entries.Count > 0);
        if (found.Value is null)
        {
            return MasterResult.Fail(GfsErrorCode.NotFound, $"'{path}' is not in the trash (never deleted, already restored, or reclaimed).");
        }

        if (CheckNewPath(target) is { } problem)
        {
            return problem;
        }

        foreach (var (below, entry) in found.Value.Entries.OrderBy(e => e.Key.Length).ThenBy(e => e.Key, StringComparer.Ordinal))
        {
            Namespace[target + below] = entry;
        }

        Namespace[GfsPath.Parent(target)!].AddChild(GfsPath.Name(target));
        Trash.Remove(found.Key);
        return new MasterResult { Count = found.Value.Files };
    }

    private MasterResult CopyOnWrite(string path, int chunkIndex, ulong handle)
    {
        if (CheckFile(path, out var file) is { } problem)
        {
            return problem;
        }

        if (chunkIndex < 0 || chunkIndex >= file.Chunks.Count || file.Chunks[chunkIndex] != handle)
        {
            return MasterResult.Fail(GfsErrorCode.ChunkNotFound, $"Chunk {chunkIndex} of '{path}' is no longer chunk {handle}.");
        }

        var old = Chunks[handle];
        if (old.References <= 1)
        {
            return new MasterResult { Handle = handle, Version = old.Version, PreviousHandle = handle };
        }

        var copy = new ChunkRecord { Handle = NextHandle++, Version = old.Version, References = 1 };
        Chunks[copy.Handle] = copy;
        old.References--;
        file.Chunks[chunkIndex] = copy.Handle;
        return new MasterResult { Handle = copy.Handle, Version = copy.Version, PreviousHandle = handle, Created = true };
    }

    private MasterResult ReclaimTrash(long beforeTicks)
    {
        var reclaimed = new List<ulong>();
        foreach (var (id, entry) in Trash.Where(t => t.Value.DeletedTicks <= beforeTicks).ToList())
        {
            foreach (var handle in entry.Chunks)
            {
                if (Chunks.TryGetValue(handle, out var record) && --record.References <= 0)
                {
                    Chunks.Remove(handle);
                    reclaimed.Add(handle);
                }
            }

            Trash.Remove(id);
        }

        return new MasterResult { Count = reclaimed.Count, Chunks = [.. reclaimed.Select(h => new ChunkVersion(h, 0))] };
    }

    private MasterResult Lookup(string path)
    {
        if (CheckExisting(path, out var entry) is { } problem)
        {
            return problem;
        }

        return new MasterResult
        {
            IsDirectory = entry.IsDirectory,
            Chunks = [.. entry.Chunks.Select(h => new ChunkVersion(h, Chunks[h].Version))],
            Count = entry.IsDirectory ? entry.Children.Count : entry.Chunks.Count,
        };
    }

    private MasterResult List(string path)
    {
        if (CheckExisting(path, out var entry) is { } problem)
        {
            return problem;
        }

        return entry.IsDirectory
            ? new MasterResult { IsDirectory = true, Names = [.. entry.Children], Count = entry.Children.Count }
            : new MasterResult { Names = [GfsPath.Name(path)], Count = 1 };
    }

    private MasterResult SubtreeChunks(string path)
    {
        if (CheckExisting(path, out _) is { } problem)
        {
            return problem;
        }

        return new MasterResult { Chunks = [.. Subtree(path).SelectMany(e => e.Entry.Chunks).Distinct().Select(h => new ChunkVersion(h, Chunks[h].Version))] };
    }

    /// <summary>The path and every entry beneath it, parents before children.</summary>
    private List<(string Path, NamespaceEntry Entry)> Subtree(string path)
    {
        var result = new List<(string, NamespaceEntry)>();
        var pending = new Stack<string>();
        pending.Push(path);
        while (pending.TryPop(out var next))
        {
            var entry = Namespace[next];
            result.Add((next, entry));
            for (var i = entry.Children.Count - 1; i >= 0; i--)
            {
                pending.Push(GfsPath.Combine(next, entry.Children[i]));
            }
        }

        return result;
    }

    private MasterResult? CheckNewPath(string path)
    {
        if (!GfsPath.TryValidate(path, out var invalid))
        {
            return MasterResult.Fail(GfsErrorCode.InvalidPath, $"'{path}' is not a valid path: {invalid}.");
        }

        if (path == GfsPath.Root || Namespace.ContainsKey(path))
        {
            return MasterResult.Fail(GfsErrorCode.AlreadyExists, $"'{path}' already exists.");
        }

        var parent = GfsPath.Parent(path)!;
        if (!Namespace.TryGetValue(parent, out var parentEntry))
        {
            return MasterResult.Fail(GfsErrorCode.NotFound, $"The parent directory '{parent}' does not exist.");
        }

        return parentEntry.IsDirectory ? null : MasterResult.Fail(GfsErrorCode.NotADirectory, $"The parent '{parent}' is a file.");
    }

    private MasterResult? CheckExisting(string path, out NamespaceEntry entry)
    {
        entry = null!;
        if (!GfsPath.TryValidate(path, out var invalid))
        {
            return MasterResult.Fail(GfsErrorCode.InvalidPath, $"'{path}' is not a valid path: {invalid}.");
        }

        return Namespace.TryGetValue(path, out entry!) ? null : MasterResult.Fail(GfsErrorCode.NotFound, $"'{path}' does not exist.");
    }

    private MasterResult? CheckFile(string path, out NamespaceEntry entry)
    {
        if (CheckExisting(path, out entry) is { } problem)
        {
            return problem;
        }

        return entry.IsDirectory ? MasterResult.Fail(GfsErrorCode.IsADirectory, $"'{path}' is a directory.") : null;
    }

    private void Remember(ulong clientId, ulong callId, MasterResult result, long nowTicks, MasterStateOptions options)
    {
        if (!RetryCache.TryGetValue(clientId, out var calls))
        {
            calls = [];
            RetryCache[clientId] = calls;
        }

        calls[callId] = new RetryRecord { AppliedTicks = nowTicks, Result = result };
        var ttl = options.RetryCacheTtl.Ticks;
        if (nowTicks - LastRetryPurgeTicks < ttl / 4)
        {
            return;
        }

        LastRetryPurgeTicks = nowTicks;
        foreach (var (client, clientCalls) in RetryCache.ToList())
        {
            foreach (var (call, record) in clientCalls.ToList())
            {
                if (nowTicks - record.AppliedTicks > ttl)
                {
                    clientCalls.Remove(call);
                }
            }

            if (clientCalls.Count == 0)
            {
                RetryCache.Remove(client);
            }
        }
    }
}
