namespace Cluster.Core;

/// <summary>Validation of storage names shared by every <see cref="IFileStorage"/> implementation.</summary>
public static class StorageNames
{
    /// <summary>The longest name accepted.</summary>
    public const int MaxNameLength = 255;

    /// <summary>Throws when <paramref name="name"/> is not a valid storage name.</summary>
    /// <exception cref="ArgumentException">The name is empty, too long, absolute, has an empty, <c>.</c> or <c>..</c> segment, or a character outside letters, digits, <c>.</c>, <c>-</c>, <c>_</c> and <c>/</c>.</exception>
    public static void Validate(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Length > MaxNameLength)
        {
            throw new ArgumentException($"Storage name '{name[..32]}…' is longer than {MaxNameLength} characters.", nameof(name));
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/'))
            {
                throw new ArgumentException($"Storage name '{name}' has the character '{c}'; use letters, digits, '.', '-', '_' and '/'.", nameof(name));
            }
        }

        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or "..")
            {
                throw new ArgumentException($"Storage name '{name}' has an empty, '.' or '..' segment; names are relative paths inside the storage.", nameof(name));
            }
        }
    }
}
