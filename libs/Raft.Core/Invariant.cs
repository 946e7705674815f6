using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Raft.Core;

/// <summary>The one always-on assertion of the core: a broken invariant throws <see cref="RaftInvariantException"/> at once, in every build.</summary>
internal static class Invariant
{
    public static void Holds(bool condition, string why, [CallerArgumentExpression(nameof(condition))] string expression = "")
    {
        if (!condition)
        {
            throw new RaftInvariantException($"{why} (failed: {expression})");
        }
    }

    /// <summary>Throws for a broken invariant whose description is worth formatting only once it is known to be broken.</summary>
    [DoesNotReturn]
    public static void Fail(string why) => throw new RaftInvariantException(why);
}
