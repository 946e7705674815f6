namespace Haystack;

/// <summary>
/// An upload was not acknowledged by every replica of any logical volume it tried. Nothing was acknowledged: the photo's key
/// is never handed out, and any replica that did store it holds an orphan needle no URL names.
/// </summary>
public sealed class UploadFailedException : IOException
{
    /// <summary>Creates the exception.</summary>
    public UploadFailedException(int attempts, string lastError)
        : base($"The upload failed after {attempts} attempts on different logical volumes; last error: {lastError}")
    {
        Attempts = attempts;
        LastError = lastError;
    }

    /// <summary>How many logical volumes were tried.</summary>
    public int Attempts { get; }

    /// <summary>What went wrong on the last one.</summary>
    public string LastError { get; }
}
