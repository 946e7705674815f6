using System.Diagnostics.CodeAnalysis;

namespace Chubby;

/// <summary>Checks and splits paths of the form <c>/ls/&lt;cell&gt;/dir/file</c> (Chubby §2.3).</summary>
public static class ChubbyPath
{
    /// <summary>The longest path accepted, in characters.</summary>
    public const int MaxPathLength = 1024;

    /// <summary>The longest name of one node, in characters.</summary>
    public const int MaxNameLength = 255;

    /// <summary>The first component of every path.</summary>
    public const string Prefix = "/ls/";

    /// <summary>The name of the directory, in every cell's root, that holds the cell's ACL files (Chubby §2.4).</summary>
    public const string AclDirectoryName = "acl";

    /// <summary>The root directory of a cell, <c>/ls/&lt;cell&gt;</c>.</summary>
    public static string CellRoot(string cell) => Prefix + cell;

    /// <summary>The cell's ACL directory, <c>/ls/&lt;cell&gt;/acl</c>: the ACL name <c>foo</c> refers to the file <c>/ls/&lt;cell&gt;/acl/foo</c>.</summary>
    public static string AclDirectory(string cell) => CellRoot(cell) + "/" + AclDirectoryName;

    /// <summary>The ACL file an ACL name refers to, <c>/ls/&lt;cell&gt;/acl/&lt;name&gt;</c>.</summary>
    public static string AclFile(string cell, string name) => AclDirectory(cell) + "/" + name;

    /// <summary>Checks that <paramref name="path"/> names a node of cell <paramref name="cell"/>.</summary>
    /// <exception cref="ChubbyException">With <see cref="ChubbyErrorCode.InvalidPath"/> and a message that says what is wrong.</exception>
    public static void Validate(string? path, string cell)
    {
        if (!TryValidate(path, cell, out var problem))
        {
            throw new ChubbyException(ChubbyErrorCode.InvalidPath, path, $"'{path}' is not a path of cell '{cell}': {problem}.");
        }
    }

    /// <summary>Whether <paramref name="path"/> names a node of cell <paramref name="cell"/>; <paramref name="problem"/> says why not.</summary>
    public static bool TryValidate([NotNullWhen(true)] string? path, string cell, [NotNullWhen(false)] out string? problem)
    {
        problem = null;
        if (string.IsNullOrEmpty(path))
        {
            problem = "it is empty";
        }
        else if (path.Length > MaxPathLength)
        {
            problem = $"it is longer than {MaxPathLength} characters";
        }
        else if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            problem = $"it must start with {Prefix}{cell}";
        }
        else
        {
            var rest = path[Prefix.Length..];
            var cellEnd = rest.IndexOf('/', StringComparison.Ordinal);
            var cellName = cellEnd < 0 ? rest : rest[..cellEnd];
            if (!string.Equals(cellName, cell, StringComparison.Ordinal))
            {
                problem = $"it names cell '{cellName}', but this is cell '{cell}'";
            }
            else if (cellEnd >= 0)
            {
                foreach (var name in rest[(cellEnd + 1)..].Split('/'))
                {
                    if (!IsValidName(name, out problem))
                    {
                        break;
                    }
                }
            }
        }

        return problem is null;
    }

    /// <summary>Whether <paramref name="path"/> is an ACL file of cell <paramref name="cell"/>: a direct child of its ACL directory.</summary>
    public static bool IsAclFile(string path, string cell) =>
        string.Equals(Parent(path ?? throw new ArgumentNullException(nameof(path))), AclDirectory(cell), StringComparison.Ordinal);

    /// <summary>The parent directory of <paramref name="path"/>, or null for a cell root.</summary>
    public static string? Parent(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var slash = path.LastIndexOf('/');
        var parent = path[..slash];
        return parent.Length <= Prefix.Length - 1 || parent == "/ls" ? null : parent;
    }

    /// <summary>The last component of <paramref name="path"/>.</summary>
    public static string Name(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path[(path.LastIndexOf('/') + 1)..];
    }

    /// <summary>Whether <paramref name="name"/> is a valid name of one node (no slashes); <paramref name="problem"/> says why not.</summary>
    public static bool IsValidName(string name, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(name);
        problem = name switch
        {
            "" => "it has an empty component (two slashes in a row, or a trailing slash)",
            "." or ".." => "'.' and '..' are not names",
            { Length: > MaxNameLength } => $"a name is longer than {MaxNameLength} characters",
            _ => name.All(IsNameCharacter) ? null : $"'{name}' has a character other than letters, digits, '-', '_' and '.'",
        };
        return problem is null;
    }

    private static bool IsNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';
}
