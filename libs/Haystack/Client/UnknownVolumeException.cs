namespace Haystack;

/// <summary>The Directory knows no logical volume with that id: the photo's URL or location is wrong.</summary>
public sealed class UnknownVolumeException : Exception
{
    /// <summary>Creates the exception for a volume.</summary>
    public UnknownVolumeException(uint volumeId)
        : base($"The Directory knows no logical volume {volumeId}; the photo URL or location is wrong.")
    {
        VolumeId = volumeId;
    }

    /// <summary>The volume asked for.</summary>
    public uint VolumeId { get; }
}
