using System.Diagnostics.CodeAnalysis;

namespace Gfs;

/// <summary>
/// Checks and splits GFS path names: absolute, '/'-separated, without empty, "." or ".." components, control characters or a
/// trailing slash (the root "/" excepted). The master's namespace is a flat table from such full path names to metadata
/// (SOSP'03 §4.1), so a name is only ever compared whole; there are no links or aliases to resolve.
/// </summary>
public static class GfsPath
{
    /// <summary>The root directory.</summary>
    public const string Root = "/";

    /// <summary>The longest path accepted, in characters.</summary>
    public const int MaxPathLength = 4096;

    /// <summary>The longest single component accepted, in characters.</summary>
    public const int MaxNameLength = 255;

    /// <summary>Checks <paramref name="path"/>.</summary>
    /// <exception cref="GfsException">With <see cref="GfsErrorCode.InvalidPath"/> and a message that says what is wrong.</exception>
    public static void Validate([NotNull] string? path)
    {
        if (!TryValidate(path, out var problem))
        {
            throw new GfsException(GfsErrorCode.InvalidPath, path, $"'{path}' is not a valid path: {problem}.");
        }
    }

    /// <summary>Whether <paramref name="path"/> is valid; <paramref name="problem"/> says why not.</summary>
    public static bool TryValidate([NotNullWhen(true)] string? path, [NotNullWhen(false)] out string? problem)
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
        else if (path[0] != '/')
        {
            problem = "it must start with '/'";
        }
        else if (path.Length > 1)
        {
            if (path[^1] == '/')
            {
                problem = "it ends with '/'";
            }
            else
            {
                foreach (var name in path[1..].Split('/'))
                {
                    if (name.Length == 0)
                    {
                        problem = "it has an empty component ('//')";
                    }
                    else if (name is "." or "..")
                    {
                        problem = $"it has a '{name}' component";
                    }
                    else if (name.Length > MaxNameLength)
                    {
                        problem = $"a component is longer than {MaxNameLength} characters";
                    }
                    else if (name.Any(char.IsControl))
                    {
                        problem = "it has a control character";
                    }

                    if (problem is not null)
                    {
                        break;
                    }
                }
            }
        }

        return problem is null;
    }

    /// <summary>The parent directory of a valid <paramref name="path"/>, or null for the root.</summary>
    public static string? Parent(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path == Root)
        {
            return null;
        }

        var slash = path.LastIndexOf('/');
        return slash == 0 ? Root : path[..slash];
    }

    /// <summary>The last component of a valid <paramref name="path"/> (empty for the root).</summary>
    public static string Name(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path[(path.LastIndexOf('/') + 1)..];
    }

    /// <summary>Joins a directory and a child name.</summary>
    public static string Combine(string directory, string name)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(name);
        return directory == Root ? Root + name : directory + "/" + name;
    }

    /// <summary>The ancestors of a valid <paramref name="path"/> from the root down, excluding the path itself.</summary>
    public static IReadOnlyList<string> Ancestors(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var result = new List<string>();
        for (var parent = Parent(path); parent is not null; parent = Parent(parent))
        {
            result.Add(parent);
        }

        result.Reverse();
        return result;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="ancestor"/> or lies beneath it.</summary>
    public static bool IsSameOrBeneath(string path, string ancestor)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(ancestor);
        return path == ancestor
            || ancestor == Root
            || (path.Length > ancestor.Length && path[ancestor.Length] == '/' && path.StartsWith(ancestor, StringComparison.Ordinal));
    }
}
