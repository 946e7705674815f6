namespace Chubby;

internal sealed partial class ChubbyDatabase
{
    /// <summary>
    /// Chubby §2.4: null when the session's principal holds <paramref name="right"/> on <paramref name="node"/>, otherwise the
    /// <see cref="ChubbyErrorCode.PermissionDenied"/> answer. Checked here, in the replicated state machine, so that every replica
    /// decides alike and a change allowed when it was logged is allowed when it is applied.
    /// </summary>
    private DatabaseResult? Authorize(DatabaseSession session, DatabaseNode node, AclRight right)
    {
        var name = AclName(node.Acl, right);
        return Allows(name, session.Principal) ? null : Denied(session, node, Verb(right), [name!]);
    }

    /// <summary>Opening a node needs any one of the three rights: a principal that may only write still needs a handle to write.</summary>
    private DatabaseResult? AuthorizeOpen(DatabaseSession session, DatabaseNode node)
    {
        var acl = node.Acl;
        return Allows(acl.Read, session.Principal) || Allows(acl.Write, session.Principal) || Allows(acl.ChangeAcl, session.Principal)
            ? null
            : Denied(session, node, "open", [acl.Read!, acl.Write!, acl.ChangeAcl!]);
    }

    /// <summary>
    /// Whether the ACL file <paramref name="aclName"/> lists <paramref name="principal"/> (or <see cref="ChubbyPrincipal.Everyone"/>).
    /// No name means the right is open; a name whose file is missing or is a directory allows nobody (fail closed).
    /// </summary>
    private bool Allows(string? aclName, string principal)
    {
        if (aclName is null)
        {
            return true;
        }

        return _nodes.TryGetValue(ChubbyPath.AclFile(_options.CellName, aclName), out var file) && !file.IsDirectory
            && (file.Principals.Contains(principal) || file.Principals.Contains(ChubbyPrincipal.Everyone));
    }

    private DatabaseResult Denied(DatabaseSession session, DatabaseNode node, string verb, IEnumerable<string> aclNames)
    {
        var files = aclNames.Distinct(StringComparer.Ordinal).Select(name =>
        {
            var path = ChubbyPath.AclFile(_options.CellName, name);
            return _nodes.TryGetValue(path, out var file) && !file.IsDirectory ? path : $"{path} (which does not exist, so it allows nobody)";
        });
        return DatabaseResult.Error(ChubbyErrorCode.PermissionDenied,
            $"Principal '{session.Principal}' may not {verb} {node.Path}: it is not listed in {string.Join(" or ", files)}.");
    }

    private DatabaseResult SetAcl(DatabaseSession session, DatabaseCommand command)
    {
        if (Find(command.Path, command.InstanceNumber, out var node) is { } error)
        {
            return error;
        }

        if (Authorize(session, node!, AclRight.ChangeAcl) is { } denied)
        {
            return denied;
        }

        var names = command.Acl ?? AclNames.Open;
        if (!names.TryValidate(out var problem))
        {
            return DatabaseResult.Error(ChubbyErrorCode.InvalidArgument, $"Cannot set the ACL names of {node!.Path}: {problem}.");
        }

        // Chubby §2.3: the ACL generation grows when the ACL names of the node are written (not when an ACL file's contents change).
        node!.Acl = names;
        node.AclGeneration++;
        return new DatabaseResult { Stat = node.ToStat(), Changes = [new NodeChange(node.Path, ChangeKind.AclModified)] };
    }

    private static string? AclName(AclNames acl, AclRight right) => right switch
    {
        AclRight.Read => acl.Read,
        AclRight.Write => acl.Write,
        _ => acl.ChangeAcl,
    };

    private static string Verb(AclRight right) => right switch
    {
        AclRight.Read => "read",
        AclRight.Write => "write or lock",
        _ => "change the ACL names of",
    };
}
