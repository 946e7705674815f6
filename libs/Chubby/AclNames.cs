using MessagePack;

namespace Chubby;

/// <summary>
/// The three ACL names of a node (Chubby §2.4): which ACL file governs reading it, writing it (and locking it), and changing these
/// names. Each name refers to the file <c>/ls/&lt;cell&gt;/acl/&lt;name&gt;</c>, which lists the principals allowed, one a line.
/// </summary>
/// <remarks>
/// A null name leaves that right open to every principal: a cell whose nodes name no ACL files behaves as if it had no access
/// control at all. A name whose file does not exist (or is a directory) allows nobody. A node inherits its parent's names when it
/// is created, unless the creator gives its own.
/// </remarks>
[MessagePackObject]
public sealed record AclNames
{
    /// <summary>No ACL names: every right is open to every principal (the default of a new cell).</summary>
    public static readonly AclNames Open = new();

    /// <summary>The ACL file that lists who may read the node (contents, metadata, a directory's children); null for everyone.</summary>
    [Key(0)]
    public string? Read { get; init; }

    /// <summary>
    /// The ACL file that lists who may write the node: set its contents, delete it, create children in it (a directory), and acquire
    /// its lock in either mode; null for everyone.
    /// </summary>
    [Key(1)]
    public string? Write { get; init; }

    /// <summary>The ACL file that lists who may change these names; null for everyone.</summary>
    [Key(2)]
    public string? ChangeAcl { get; init; }

    /// <summary>Whether every name is a valid node name (or null); <paramref name="problem"/> says which is not.</summary>
    public bool TryValidate(out string? problem)
    {
        foreach (var (right, name) in new[] { ("Read", Read), ("Write", Write), ("ChangeAcl", ChangeAcl) })
        {
            if (name is not null && !ChubbyPath.IsValidName(name, out var nameProblem))
            {
                problem = $"the {right} ACL name '{name}' is not a file name: {nameProblem}";
                return false;
            }
        }

        problem = null;
        return true;
    }

    /// <summary>The names as <c>read=… write=… change-acl=…</c>, with <c>*</c> for an open right.</summary>
    public override string ToString() => $"read={Read ?? "*"} write={Write ?? "*"} change-acl={ChangeAcl ?? "*"}";
}
