namespace Cluster.Core;

/// <summary>An internal invariant of the suite was broken. This is a bug, never an operating condition.</summary>
public sealed class InvariantViolationException : Exception
{
    /// <summary>Creates the exception with a description of the broken invariant.</summary>
    public InvariantViolationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a description and the underlying cause.</summary>
    public InvariantViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
