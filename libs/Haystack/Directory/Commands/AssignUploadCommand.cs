using MessagePack;

namespace Haystack;

/// <summary>Picks a write-enabled logical volume and a fresh key for an upload of <see cref="DataBytes"/>. Answered with an <see cref="UploadAssignment"/>.</summary>
[MessagePackObject]
internal sealed record AssignUploadCommand
{
    [Key(0)]
    public long DataBytes { get; init; }
}
