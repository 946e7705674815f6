namespace Haystack;

/// <summary>A write did not fit in the volume, which is now read-only; write to another logical volume.</summary>
public sealed class VolumeFullException : IOException
{
    /// <summary>Creates the exception for a volume.</summary>
    public VolumeFullException(uint volumeId, long sizeBytes, long maxBytes)
        : base($"Volume {volumeId} is full ({sizeBytes} of {maxBytes} bytes) and now read-only; write to another logical volume.")
    {
        VolumeId = volumeId;
    }

    /// <summary>The full volume.</summary>
    public uint VolumeId { get; }
}
