using MessagePack;

namespace Haystack;

/// <summary>A Store's (or Cache's) answer to a write, read or delete.</summary>
[MessagePackObject]
public sealed record StoreResponse
{
    /// <summary>The outcome.</summary>
    [Key(0)]
    public StoreStatus Status { get; init; }

    /// <summary>For a read: the photo's bytes, only when <see cref="Status"/> is <see cref="StoreStatus.Ok"/>.</summary>
    [Key(1)]
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>For a read: whether the volume still takes uploads (the Cache keeps only such photos, OSDI'10 §3.2).</summary>
    [Key(2)]
    public bool VolumeWritable { get; init; }

    /// <summary>A description of a refusal or failure.</summary>
    [Key(3)]
    public string? Message { get; init; }
}
