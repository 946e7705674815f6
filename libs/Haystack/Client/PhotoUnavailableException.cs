namespace Haystack;

/// <summary>No replica of the photo could serve it (all unreachable or corrupt); the failures were reported to the Directory.</summary>
public sealed class PhotoUnavailableException : IOException
{
    /// <summary>Creates the exception.</summary>
    public PhotoUnavailableException(PhotoLocation photo, int replicasTried, string lastError)
        : base($"No replica of photo {photo} could serve it ({replicasTried} tried); last error: {lastError}")
    {
        Photo = photo;
        ReplicasTried = replicasTried;
    }

    /// <summary>Creates the exception with the failure that caused it.</summary>
    public PhotoUnavailableException(PhotoLocation photo, int replicasTried, string lastError, Exception innerException)
        : base($"No replica of photo {photo} could serve it ({replicasTried} tried); last error: {lastError}", innerException)
    {
        Photo = photo;
        ReplicasTried = replicasTried;
    }

    /// <summary>The photo.</summary>
    public PhotoLocation Photo { get; }

    /// <summary>How many replicas were tried.</summary>
    public int ReplicasTried { get; }
}
