namespace Gfs;

/// <summary>A GFS call failed; <see cref="Code"/> says why and <see cref="Path"/> names the file involved when there is one.</summary>
public class GfsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GfsException(GfsErrorCode code, string? path, string message)
        : base(message)
    {
        Code = code;
        Path = path;
    }

    /// <summary>Creates the exception with the failure that caused it.</summary>
    public GfsException(GfsErrorCode code, string? path, string message, Exception innerException)
        : base(message, innerException)
    {
        Code = code;
        Path = path;
    }

    /// <summary>Why the call failed.</summary>
    public GfsErrorCode Code { get; }

    /// <summary>The file or directory involved, when there is one.</summary>
    public string? Path { get; }
}
