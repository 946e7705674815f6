using Cluster.Core;

namespace Chubby;

/// <summary>
/// The replicated part of a Chubby cell: the namespace, locks and sessions. A deterministic function of the commands the master
/// logs; every replica applies the same commands and holds the same database.
/// </summary>
/// <remarks>
/// Nothing here reads a clock: time comes from the commands (<see cref="DatabaseCommand.TimeMilliseconds"/>) and only moves forward.
/// Bad input gives an error result and changes nothing; an exception here would stop the replica.
/// </remarks>
internal sealed partial class ChubbyDatabase
{
    private readonly SortedDictionary<string, DatabaseNode> _nodes = new(StringComparer.Ordinal);
    private readonly SortedDictionary<ulong, DatabaseSession> _sessions = [];
    private readonly ChubbyServerOptions _options;
    private long _clockMilliseconds;
    private ulong _epoch;
    private ulong _nextInstance;

    public ChubbyDatabase(ChubbyServerOptions options)
    {
        _options = options;
        Root = ChubbyPath.CellRoot(options.CellName);
        Reset();
    }

    /// <summary>The cell's root directory.</summary>
    public string Root { get; }

    /// <summary>The master epoch (Raft term) of the latest <see cref="CommandKind.MasterElected"/>.</summary>
    public ulong Epoch => _epoch;

    /// <summary>The database's clock: the latest master time seen in a command.</summary>
    public long ClockMilliseconds => _clockMilliseconds;

    public IReadOnlyDictionary<string, DatabaseNode> Nodes => _nodes;

    public IReadOnlyDictionary<ulong, DatabaseSession> Sessions => _sessions;

    public DatabaseResult Apply(ulong index, DatabaseCommand command)
    {
        _clockMilliseconds = Math.Max(_clockMilliseconds, command.TimeMilliseconds);
        switch (command.Kind)
        {
            case CommandKind.MasterElected:
                _epoch = Math.Max(_epoch, command.Term);
                return new DatabaseResult { Sessions = [.. _sessions.Values.Select(s => new LeaseRecord(s.Id, s.PromisedUntilMilliseconds))] };
            case CommandKind.CreateSession:
                return CreateSession(index, command);
            case CommandKind.RenewLeases:
                foreach (var renewal in command.Renewals ?? [])
                {
                    if (_sessions.TryGetValue(renewal.SessionId, out var renewed))
                    {
                        renewed.PromisedUntilMilliseconds = Math.Max(renewed.PromisedUntilMilliseconds, renewal.PromisedUntilMilliseconds);
                    }
                }

                return DatabaseResult.Ok;
            case CommandKind.CloseSession:
                return EndSessions([command.SessionId], lockDelay: false);
            case CommandKind.ExpireSessions:
                return EndSessions(command.SessionIds ?? [], lockDelay: true);
            default:
                return ApplySessionCommand(command);
        }
    }

    private DatabaseResult CreateSession(ulong index, DatabaseCommand command)
    {
        var principal = command.Principal ?? ChubbyPrincipal.Anonymous;
        if (!ChubbyPrincipal.IsValid(principal))
        {
            return DatabaseResult.Error(ChubbyErrorCode.InvalidArgument, $"'{principal}' is not a principal name: 1 to {ChubbyPrincipal.MaxLength} letters, digits, '-', '_', '.' and '@'.");
        }

        // The log index is unique and the same on every replica: a deterministic session id.
        var session = new DatabaseSession
        {
            Id = index,
            Client = command.Client,
            PromisedUntilMilliseconds = _clockMilliseconds + command.LeaseMilliseconds,
            LowestUnacknowledged = 1,
            Principal = principal,
        };
        _sessions[index] = session;
        return new DatabaseResult { SessionId = index, PromisedUntilMilliseconds = session.PromisedUntilMilliseconds };
    }

    private DatabaseResult ApplySessionCommand(DatabaseCommand command)
    {
        if (!_sessions.TryGetValue(command.SessionId, out var session))
        {
            return DatabaseResult.Error(ChubbyErrorCode.SessionExpired, $"Session {command.SessionId} does not exist or has expired.");
        }

        // Exactly-once for retried changes (Raft thesis §6.3): answer a known sequence number from the table.
        if (session.Responses.TryGetValue(command.Sequence, out var earlier))
        {
            return earlier;
        }

        if (command.Sequence < session.LowestUnacknowledged)
        {
            return DatabaseResult.Error(ChubbyErrorCode.InvalidArgument, $"Call {command.Sequence} of session {session.Id} was already answered and forgotten.");
        }

        if (command.LowestUnacknowledged > session.LowestUnacknowledged)
        {
            session.LowestUnacknowledged = command.LowestUnacknowledged;
            while (session.Responses.Count > 0 && session.Responses.First().Key < command.LowestUnacknowledged)
            {
                session.Responses.Remove(session.Responses.First().Key);
            }
        }

        if (command.Sequencer is { } sequencer && !IsCurrent(sequencer))
        {
            return DatabaseResult.Error(ChubbyErrorCode.StaleSequencer, $"The handle's sequencer {sequencer} no longer describes a held lock.");
        }

        var result = command.Kind switch
        {
            CommandKind.Create => Create(session, command),
            CommandKind.SetContents => SetContents(session, command),
            CommandKind.Delete => Delete(session, command),
            CommandKind.Acquire => Acquire(session, command),
            CommandKind.Release => Release(session, command),
            CommandKind.SetAcl => SetAcl(session, command),
            _ => DatabaseResult.Error(ChubbyErrorCode.InvalidArgument, $"Unknown command kind {command.Kind}."),
        };

        // Only changes are remembered: a refused call changed nothing, so running it again on a retry is the same as answering it again.
        if (result.Status == ChubbyErrorCode.Ok && command.Sequence != 0)
        {
            session.Responses[command.Sequence] = result;
            if (session.Responses.Count > _options.MaxResponsesPerSession)
            {
                session.Responses.Remove(session.Responses.First().Key);
            }
        }

        return result;
    }

    private DatabaseResult Create(DatabaseSession session, DatabaseCommand command)
    {
        if (!ChubbyPath.TryValidate(command.Path, _options.CellName, out var problem))
        {
            return DatabaseResult.Error(ChubbyErrorCode.InvalidPath, $"'{command.Path}' is not a path of cell '{_options.CellName}': {problem}.");
        }

        var path = command.Path!;
        if (_nodes.TryGetValue(path, out var existing))
        {
            if ((command.Flags & OpenFlags.Exclusive) != 0)
            {
                return DatabaseResult.Error(ChubbyErrorCode.AlreadyExists, $"{path} already exists.");
            }

            // Creating a node that exists opens it, with the rights an open needs.
            return AuthorizeOpen(session, existing) ?? new DatabaseResult { Stat = existing.ToStat() };
        }

        var isDirectory = (command.Flags & OpenFlags.Directory) != 0;
        var isEphemeral = (command.Flags & OpenFlags.Ephemeral) != 0;
        var contents = command.Contents ?? [];
        if (isDirectory && (isEphemeral || contents.Length > 0))
        {
            return DatabaseResult.Error(ChubbyErrorCode.InvalidArgument, $"Directory {path} cannot be ephemeral or have contents.");
        }

        if (contents.Length > _options.MaxFileBytes)
        {
            return TooLarge(path, contents.Length);
        }

        var parentPath = ChubbyPath.Parent(path)!;
        if (!_nodes.TryGetValue(parentPath, out var parent))
        {
            return DatabaseResult.Error(ChubbyErrorCode.NotFound, $"Cannot create {path}: its parent {parentPath} does not exist.");
        }

        if (!parent.IsDirectory)
        {
            return DatabaseResult.Error(ChubbyErrorCode.NotDirectory, $"Cannot create {path}: its parent {parentPath} is a file.");
        }

        if (Authorize(session, parent, AclRight.Write) is { } denied)
        {
            return denied;
        }

        // An ACL file that vanished with its creator's session would revoke rights without the cache flush that the master does
        // before every change to an ACL file; and a directory lists nobody. So the ACL directory holds only permanent files.
        if (ChubbyPath.IsAclFile(path, _options.CellName) && (isDirectory || isEphemeral))
        {
            return DatabaseResult.Error(ChubbyErrorCode.InvalidArgument, $"{path} is in the ACL directory, which holds only permanent files.");
        }

        // Chubby §2.4: unless the creator names its own, a node inherits its parent's ACL names.
        var acl = command.Acl ?? parent.Acl;
        if (!acl.TryValidate(out var aclProblem))
        {
            return DatabaseResult.Error(ChubbyErrorCode.InvalidArgument, $"Cannot create {path}: {aclProblem}.");
        }

        var node = new DatabaseNode
        {
            Path = path,
            IsDirectory = isDirectory,
            EphemeralOwner = isEphemeral ? session.Id : 0,
            InstanceNumber = ++_nextInstance,
            ContentGeneration = 1,
            AclGeneration = 1,
            Acl = acl,
        };
        node.SetContents(contents);
        _nodes[path] = node;
        parent.Children.Add(ChubbyPath.Name(path));
        parent.ContentGeneration++;
        if (isEphemeral)
        {
            session.Ephemerals.Add(path);
        }

        return new DatabaseResult { Stat = node.ToStat(), Changes = [new NodeChange(path, ChangeKind.Created)] };
    }

    private DatabaseResult SetContents(DatabaseSession session, DatabaseCommand command)
    {
        if ((Find(command.Path, command.InstanceNumber, out var node) ?? Authorize(session, node!, AclRight.Write)) is { } error)
        {
            return error;
        }

        if (node!.IsDirectory)
        {
            return DatabaseResult.Error(ChubbyErrorCode.IsDirectory, $"{node.Path} is a directory; only files have contents.");
        }

        var contents = command.Contents ?? [];
        if (contents.Length > _options.MaxFileBytes)
        {
            return TooLarge(node.Path, contents.Length);
        }

        if (command.ExpectedContentGeneration is { } expected && expected != node.ContentGeneration)
        {
            return DatabaseResult.Error(ChubbyErrorCode.GenerationMismatch,
                $"{node.Path} is at content generation {node.ContentGeneration}, not the expected {expected}; read it again and retry.");
        }

        node.SetContents(contents);
        node.ContentGeneration++;
        return new DatabaseResult { Stat = node.ToStat(), Changes = [new NodeChange(node.Path, ChangeKind.ContentsModified)] };
    }

    private DatabaseResult Delete(DatabaseSession session, DatabaseCommand command)
    {
        if ((Find(command.Path, command.InstanceNumber, out var node) ?? Authorize(session, node!, AclRight.Write)) is { } error)
        {
            return error;
        }

        if (node!.Path == Root)
        {
            return DatabaseResult.Error(ChubbyErrorCode.InvalidArgument, $"The cell root {Root} cannot be deleted.");
        }

        if (node.Children.Count > 0)
        {
            return DatabaseResult.Error(ChubbyErrorCode.NotEmpty, $"{node.Path} has {node.Children.Count} children; delete them first.");
        }

        RemoveNode(node);
        return new DatabaseResult { Changes = [new NodeChange(node.Path, ChangeKind.Deleted)] };
    }

    private void RemoveNode(DatabaseNode node)
    {
        _nodes.Remove(node.Path);
        var parent = _nodes[ChubbyPath.Parent(node.Path)!];
        parent.Children.Remove(ChubbyPath.Name(node.Path));
        parent.ContentGeneration++;
        foreach (var holder in node.Holders())
        {
            _sessions.GetValueOrDefault(holder)?.Locks.Remove(node.Path);
        }

        if (node.EphemeralOwner != 0)
        {
            _sessions.GetValueOrDefault(node.EphemeralOwner)?.Ephemerals.Remove(node.Path);
        }
    }

    /// <summary>Finds the node a handle is bound to; an error result when it is gone or was replaced.</summary>
    private DatabaseResult? Find(string? path, ulong instance, out DatabaseNode? node)
    {
        node = null;
        if (!ChubbyPath.TryValidate(path, _options.CellName, out var problem))
        {
            return DatabaseResult.Error(ChubbyErrorCode.InvalidPath, $"'{path}' is not a path of cell '{_options.CellName}': {problem}.");
        }

        if (!_nodes.TryGetValue(path, out node))
        {
            return instance == 0
                ? DatabaseResult.Error(ChubbyErrorCode.NotFound, $"{path} does not exist.")
                : DatabaseResult.Error(ChubbyErrorCode.HandleInvalid, $"{path} (instance {instance}) was deleted; the handle is invalid.");
        }

        if (instance != 0 && node.InstanceNumber != instance)
        {
            return DatabaseResult.Error(ChubbyErrorCode.HandleInvalid,
                $"{path} was deleted and created again (instance {node.InstanceNumber}, the handle's is {instance}); the handle is invalid.");
        }

        return null;
    }

    private DatabaseResult TooLarge(string path, int length) => DatabaseResult.Error(ChubbyErrorCode.FileTooLarge,
        $"{length} bytes for {path} exceed the cell's maximum file size of {_options.MaxFileBytes} bytes (ChubbyServerOptions.MaxFileBytes).");

    private void Reset()
    {
        _nodes.Clear();
        _sessions.Clear();
        _clockMilliseconds = 0;
        _epoch = 0;
        _nextInstance = 1;
        _nodes[Root] = new DatabaseNode { Path = Root, IsDirectory = true, InstanceNumber = 1, ContentGeneration = 1, AclGeneration = 1, Checksum = Crc32C.Compute([]) };
    }
}
