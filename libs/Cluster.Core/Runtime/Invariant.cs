using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Cluster.Core;

/// <summary>
/// Always-on assertions for broken invariants. Unlike <c>Debug.Assert</c> these run in release builds:
/// a server that has lost an invariant must stop rather than go on and corrupt durable state.
/// </summary>
public static class Invariant
{
    /// <summary>Throws <see cref="InvariantViolationException"/> when <paramref name="condition"/> is false.</summary>
    /// <param name="condition">What must hold.</param>
    /// <param name="message">What was expected, in words; shown in the exception.</param>
    /// <param name="expression">Filled in by the compiler with the condition's source text.</param>
    public static void Check(
        [DoesNotReturnIf(false)] bool condition,
        string message,
        [CallerArgumentExpression(nameof(condition))] string? expression = null)
    {
        if (!condition)
        {
            Fail(message, expression);
        }
    }

    /// <summary>Throws <see cref="InvariantViolationException"/> unconditionally.</summary>
    [DoesNotReturn]
    public static void Fail(string message, string? expression = null) =>
        throw new InvariantViolationException(expression is null ? message : $"{message} (failed: {expression})");
}
