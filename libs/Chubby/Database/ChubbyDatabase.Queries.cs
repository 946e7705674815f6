namespace Chubby;

internal sealed partial class ChubbyDatabase
{
    public DatabaseResult Query(DatabaseQuery query)
    {
        switch (query.Kind)
        {
            case QueryKind.Node:
            {
                var session = Reader(query, out var readerError);
                if ((Find(query.Path, query.InstanceNumber, out var node) ?? readerError) is { } error)
                {
                    return error;
                }

                if ((query.ForOpen ? AuthorizeOpen(session!, node!) : Authorize(session!, node!, AclRight.Read)) is { } denied)
                {
                    return denied;
                }

                if (query.Sequencer is { } sequencer && !IsCurrent(sequencer))
                {
                    return DatabaseResult.Error(ChubbyErrorCode.StaleSequencer, $"The handle's sequencer {sequencer} no longer describes a held lock.");
                }

                return new DatabaseResult
                {
                    Stat = node!.ToStat(),
                    Contents = query.IncludeContents ? node.Contents : null,
                    Readable = Allows(node.Acl.Read, session!.Principal),
                };
            }

            case QueryKind.Children:
            {
                var session = Reader(query, out var readerError);
                if ((Find(query.Path, query.InstanceNumber, out var node) ?? readerError ?? Authorize(session!, node!, AclRight.Read)) is { } error)
                {
                    return error;
                }

                return node!.IsDirectory
                    ? new DatabaseResult { Stat = node.ToStat(), Children = [.. node.Children] }
                    : DatabaseResult.Error(ChubbyErrorCode.NotDirectory, $"{node.Path} is a file, not a directory.");
            }

            case QueryKind.CheckSequencer:
                return new DatabaseResult { Valid = query.Sequencer is { } checkedSequencer && IsCurrent(checkedSequencer) };

            case QueryKind.Footprint:
            {
                var paths = new SortedSet<string>(StringComparer.Ordinal);
                foreach (var id in query.SessionIds ?? [])
                {
                    if (_sessions.TryGetValue(id, out var session))
                    {
                        foreach (var path in session.Ephemerals)
                        {
                            paths.Add(path);
                            paths.Add(ChubbyPath.Parent(path)!);
                        }

                        // Releasing a lock does not change metadata, but acquiring it did; nothing cached depends on the holders.
                    }
                }

                return new DatabaseResult { Paths = [.. paths] };
            }

            default:
                return DatabaseResult.Error(ChubbyErrorCode.InvalidArgument, $"Unknown query kind {query.Kind}.");
        }
    }

    /// <summary>The session a read is made for, whose principal the ACLs are checked against.</summary>
    private DatabaseSession? Reader(DatabaseQuery query, out DatabaseResult? error)
    {
        error = _sessions.TryGetValue(query.SessionId, out var session)
            ? null
            : DatabaseResult.Error(ChubbyErrorCode.SessionExpired, $"Session {query.SessionId} does not exist or has expired.");
        return session;
    }
}
