namespace Chubby;

internal sealed partial class ChubbyDatabase
{
    public DatabaseResult Query(DatabaseQuery query)
    {
        switch (query.Kind)
        {
            case QueryKind.Node:
            {
                if (Find(query.Path, query.InstanceNumber, out var node) is { } error)
                {
                    return error;
                }

                if (query.Sequencer is { } sequencer && !IsCurrent(sequencer))
                {
                    return DatabaseResult.Error(ChubbyErrorCode.StaleSequencer, $"The handle's sequencer {sequencer} no longer describes a held lock.");
                }

                return new DatabaseResult { Stat = node!.ToStat(), Contents = query.IncludeContents ? node.Contents : null };
            }

            case QueryKind.Children:
            {
                if (Find(query.Path, query.InstanceNumber, out var node) is { } error)
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
}
