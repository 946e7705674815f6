namespace Chubby;

/// <summary>A Chubby call failed; <see cref="Code"/> says why and <see cref="Path"/> names the node involved.</summary>
public class ChubbyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ChubbyException(ChubbyErrorCode code, string? path, string message)
        : base(message)
    {
        Code = code;
        Path = path;
    }

    /// <summary>Why the call failed.</summary>
    public ChubbyErrorCode Code { get; }

    /// <summary>The node involved, when there is one.</summary>
    public string? Path { get; }
}
