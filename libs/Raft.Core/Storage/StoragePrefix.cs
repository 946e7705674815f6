using Cluster.Core;

namespace Raft.Core;

/// <summary>Checks of the folder prefixes under which the stores keep their files.</summary>
internal static class StoragePrefix
{
    /// <summary>Throws unless <paramref name="prefix"/> is empty (the storage root) or a valid folder name ending in <c>/</c>.</summary>
    /// <param name="prefix">The prefix to check.</param>
    /// <param name="parameterName">The setting or parameter to name in the error.</param>
    public static void Validate(string? prefix, string parameterName)
    {
        if (prefix is null)
        {
            throw new ArgumentNullException(parameterName, $"{parameterName} must not be null; use \"\" for the storage root.");
        }

        if (prefix.Length == 0)
        {
            return;
        }

        if (!prefix.EndsWith('/'))
        {
            throw new ArgumentException($"{parameterName} '{prefix}' must end with '/' (it names a folder).", parameterName);
        }

        try
        {
            StorageNames.Validate(prefix + "x");
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{parameterName} '{prefix}' is not a valid storage folder: {e.Message}", parameterName, e);
        }
    }
}
